// GET /metrics: the node's counters and gauges in the Prometheus text exposition format (version 0.0.4).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Certificates;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class MetricsEndpoint
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/metrics", async (MeshRuntime runtime, NodeSettings settings, NodeIdentity identity) =>
        {
            if (!settings.MetricsEnabled)
                return ErrorResults.Problem(StatusCodes.Status404NotFound, "METRICS_OFF", "Metrics are turned off in this node's config (mesh.metrics.enabled).");

            var text = new PrometheusText();
            text.Gauge("mesh_node_info", "The node's version and id; always 1.", 1, ("version", identity.Version), ("node_id", identity.NodeId));
            var incarnation = runtime.Current;
            text.Gauge("mesh_actor_system_up", "1 while the node's actor system runs, 0 while it starts or re-forms.", incarnation is null ? 0 : 1);
            await WriteSignalingAsync(text, incarnation);
            await WriteMeshTrustAsync(text, incarnation);
            WriteCluster(text, incarnation);
            WriteProcess(text, runtime);
            return Results.Text(text.ToString(), ContentType, Encoding.UTF8);
        });
        return endpoints;
    }

    private static async Task WriteSignalingAsync(PrometheusText text, Incarnation? incarnation)
    {
        if (incarnation?.Registry.TryGet<PresenceActor>(out var presence) == true)
        {
            // Gauges are presence's own state, asked at scrape time; a node that cannot answer leaves them out.
            try
            {
                var statistics = await presence.Ask<Presence.Statistics>(Presence.GetStatistics.Instance, AskTimeout);
                text.Gauge("mesh_signaling_connected_clients", "WebSocket clients connected to /ws/signal on this node.", statistics.Connected);
                text.Gauge("mesh_signaling_registered_clients", "Clients registered on this node.", statistics.Registered);
            }
            catch (AskTimeoutException)
            {
                // Counters below still tell the story; the gauges come back on the next scrape.
            }
        }

        text.Counter("mesh_signaling_relayed_messages_total", "OFFER, ANSWER and ICE_CANDIDATE messages accepted for relay, by kind.",
            SignalingMetrics.RelayedTotals().Select(r => (r.Count, new[] { ("kind", KindLabel(r.Kind)) })));
        text.Counter("mesh_signaling_errors_total", "ERROR messages sent to clients, by code.",
            SignalingMetrics.ErrorTotals().Select(e => (e.Count, new[] { ("code", e.Code) })));
    }

    private static async Task WriteMeshTrustAsync(PrometheusText text, Incarnation? incarnation)
    {
        if (incarnation?.Registry.TryGet<CertificateAuthority>(out var authority) != true)
            return;
        try
        {
            if (await authority.Ask<object>(GetMeshTrustStatus.Instance, AskTimeout) is not MeshTrustStatus status)
                return;
            text.Gauge("mesh_trust_entries_stored", "Signed trust entries (anchors, certificates, blacklistings) kept by this node.", status.Stored);
            text.Gauge("mesh_trust_entries_own", "Of those, entries this node stated and signed.", status.Own);
            text.Counter("mesh_trust_entries_rejected_total", "Entries from other nodes that failed a check (signature, chain, form) since this actor system started.",
                status.Rejected);
        }
        catch (AskTimeoutException)
        {
            // Left out of this scrape, as presence's gauges are.
        }
    }

    private static void WriteCluster(PrometheusText text, Incarnation? incarnation)
    {
        if (incarnation is null) return;
        var state = Cluster.Get(incarnation.System).State;
        var byStatus = state.Members.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
        text.Gauge("mesh_cluster_members", "Cluster members as this node sees them, by status.",
            Enum.GetValues<MemberStatus>().Select(status => ((double)byStatus.GetValueOrDefault(status), new[] { ("status", status.ToString().ToLowerInvariant()) })));
        text.Gauge("mesh_cluster_unreachable_members", "Members this node's failure detector sees as unreachable.", state.Unreachable.Count);
        text.Gauge("mesh_cluster_is_leader", "1 when this node is the cluster leader.", state.Leader?.Equals(Cluster.Get(incarnation.System).SelfAddress) == true ? 1 : 0);
    }

    private static void WriteProcess(PrometheusText text, MeshRuntime runtime)
    {
        using var process = Process.GetCurrentProcess();
        text.Gauge("process_resident_memory_bytes", "Resident set size.", Environment.WorkingSet);
        text.Counter("process_cpu_seconds_total", "User and system CPU time spent.", process.TotalProcessorTime.TotalSeconds);
        text.Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch.", runtime.ProcessStarted.ToUnixTimeMilliseconds() / 1000.0);
        text.Gauge("process_threads", "Operating system threads in the process.", process.Threads.Count);
        text.Counter("dotnet_gc_collections_total", "Garbage collections, by generation.",
            Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => ((double)GC.CollectionCount(g), new[] { ("generation", g.ToString(CultureInfo.InvariantCulture)) })));
        text.Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last collection.", GC.GetGCMemoryInfo().HeapSizeBytes);
        text.Counter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.", GC.GetTotalAllocatedBytes());
        text.Counter("dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection.", GC.GetTotalPauseDuration().TotalSeconds);
    }

    private static string KindLabel(SignalKind kind) => kind switch
    {
        SignalKind.Offer => "offer",
        SignalKind.Answer => "answer",
        _ => "ice_candidate",
    };
}

/// <summary>Writes metric families: HELP and TYPE once, then the samples, labels escaped as the format asks.</summary>
internal sealed class PrometheusText
{
    private readonly StringBuilder text = new();

    public void Gauge(string name, string help, double value, params (string Name, string Value)[] labels) =>
        Family(name, help, "gauge", [(value, labels)]);

    public void Gauge(string name, string help, IEnumerable<(double Value, (string Name, string Value)[] Labels)> samples) =>
        Family(name, help, "gauge", samples);

    public void Counter(string name, string help, double value) => Family(name, help, "counter", [(value, [])]);

    public void Counter(string name, string help, IEnumerable<(long Value, (string Name, string Value)[] Labels)> samples) =>
        Family(name, help, "counter", samples.Select(s => ((double)s.Value, s.Labels)));

    public void Counter(string name, string help, IEnumerable<(double Value, (string Name, string Value)[] Labels)> samples) =>
        Family(name, help, "counter", samples);

    public override string ToString() => text.ToString();

    private void Family(string name, string help, string type, IEnumerable<(double Value, (string Name, string Value)[] Labels)> samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", @"\\").Replace("\n", @"\n")).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (value, labels) in samples)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")).Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Escape(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");
}
