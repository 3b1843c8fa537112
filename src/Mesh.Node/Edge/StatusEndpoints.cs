// /api/status, /api/info, /healthz, /readyz: what anyone may ask of the node.
using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Certificates;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", (HttpRequest request, MeshRuntime runtime, NodeIdentity identity, NodeSettings settings) =>
        {
            var incarnation = runtime.Current;
            return incarnation.WithActor<PresenceActor>(presence => incarnation.WithActor<CertificateAuthority>(async authority =>
            {
                var statistics = await presence.AskInTime<Presence.Statistics>(Presence.GetStatistics.Instance);
                var ca = await authority.AskInTime<AuthorityStatus>(GetAuthorityStatus.Instance);
                var endpoint = PublicEndpoint(request, settings);
                return Results.Json(new
                {
                    state = ca.Phase.ToString().ToLowerInvariant(),
                    owner = ca.Owner,
                    // Bootstrap: no roots configured, so the first claimant's own CA certificate is trusted on first use.
                    bootstrapMode = ca.BootstrapMode,
                    version = identity.Version,
                    endpoint,
                    signaling = new { url = SignalingUrl(endpoint), connected = statistics.Connected },
                    uptime = Math.Round((DateTimeOffset.UtcNow - runtime.ProcessStarted).TotalSeconds, 1),
                    nodeId = identity.NodeId,
                });
            }));
        });

        endpoints.MapGet("/api/info", (HttpRequest request, MeshRuntime runtime, NodeIdentity identity, NodeSettings settings) =>
        {
            var incarnation = runtime.Current;
            return incarnation.WithActor<CertificateAuthority>(async authority =>
            {
                var ca = await authority.AskInTime<AuthorityStatus>(GetAuthorityStatus.Instance);
                var endpoint = PublicEndpoint(request, settings);
                return Results.Json(new
                {
                    type = "mesh-node",
                    version = identity.Version,
                    capabilities = NodeCapabilities.Of(ca.CanIssue),
                    callsign = ca.Owner,
                    signalingUrl = SignalingUrl(endpoint),
                    nodeId = identity.NodeId,
                    // A peer added by hand learns here where to join the cluster (PeerDiscovered on its EventStream).
                    akkaAddress = Cluster.Get(incarnation!.System).SelfAddress.ToString(),
                });
            });
        });

        endpoints.MapGet("/healthz", () => Results.Json(new { status = "ok" }));

        endpoints.MapGet("/readyz", async (MeshRuntime runtime) =>
        {
            var system = runtime.Current?.System;
            var checks = new
            {
                storage = await StorageAnswersAsync(runtime),
                actorSystem = system is not null,
                cluster = system is not null && Cluster.Get(system).SelfMember.Status == MemberStatus.Up,
            };
            var ready = checks.storage && checks.actorSystem && checks.cluster;
            return Results.Json(new { status = ready ? "ok" : "starting", checks },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        return endpoints;
    }

    /// <summary>Storage is open when the certificate authority has recovered its journal and answers.</summary>
    private static async Task<bool> StorageAnswersAsync(MeshRuntime runtime)
    {
        if (runtime.Current?.Registry.TryGet<CertificateAuthority>(out var authority) != true) return false;
        try
        {
            await authority!.Ask<AuthorityStatus>(GetAuthorityStatus.Instance, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The configured public host when there is one, else the host the browser used.</summary>
    private static string PublicEndpoint(HttpRequest request, NodeSettings settings)
    {
        if (settings.PublicHost.Length == 0) return $"{request.Scheme}://{request.Host}";
        var port = request.Host.Port is { } p ? $":{p}" : "";
        return $"{request.Scheme}://{settings.PublicHost}{port}";
    }

    private static string SignalingUrl(string endpoint) =>
        (endpoint.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + endpoint[8..] : "ws://" + endpoint[7..]) + "/ws/signal";
}
