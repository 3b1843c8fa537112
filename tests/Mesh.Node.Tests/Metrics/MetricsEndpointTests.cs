using System.Globalization;
using System.Text.RegularExpressions;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Metrics;

/// <summary>GET /metrics on a real node: valid Prometheus text, and counters that move with the relay.</summary>
public sealed partial class MetricsEndpointTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private NodeProcess Node => fixture.Node;

    [Fact]
    public async Task Metrics_are_valid_prometheus_text_with_a_type_for_every_family()
    {
        using var response = await Node.Http.GetAsync(new Uri(Node.BaseUri, "/metrics"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType.ToString());
        var metrics = PrometheusSamples.Parse(body);
        Assert.Equal(1, metrics.Value("mesh_cluster_members", ("status", "up")));
        Assert.Equal(1, metrics.Value("mesh_actor_system_up"));
        Assert.True(metrics.Value("process_resident_memory_bytes") > 1_000_000);
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.True(metrics.Value("dotnet_gc_heap_size_bytes") > 0);
        Assert.Contains(metrics.Samples, s => s.Name == "dotnet_gc_collections_total" && s.Labels["generation"] == "0");
    }

    [Fact]
    public async Task Relayed_messages_errors_and_clients_are_counted()
    {
        var before = PrometheusSamples.Parse(await Node.Http.GetStringAsync(new Uri(Node.BaseUri, "/metrics")));
        await using var alice = await SignalClient.RegisterAsync(Node.SignalUri, "K1ABC");
        await using var bob = await SignalClient.RegisterAsync(Node.SignalUri, "W1AW");
        for (var i = 0; i < 3; i++) await alice.SendAsync(new { type = "OFFER", target = bob.ClientId, offer = new { type = "offer", sdp = Sdp } });
        await bob.SendAsync(new { type = "ANSWER", target = alice.ClientId, answer = new { type = "answer", sdp = Sdp } });
        await alice.ExpectAsync("ANSWER_RECEIVED");
        await alice.SendAsync(new { type = "OFFER", target = "N0BODY", offer = new { type = "offer", sdp = Sdp } });
        await alice.ExpectErrorAsync("UNKNOWN_TARGET");
        await alice.SendTextAsync("{not json");
        await alice.ExpectErrorAsync("INVALID_JSON");

        var after = PrometheusSamples.Parse(await Node.Http.GetStringAsync(new Uri(Node.BaseUri, "/metrics")));

        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        // The offer to nobody was accepted for relay too; its failure is counted as UNKNOWN_TARGET.
        Assert.Equal(4, Delta("mesh_signaling_relayed_messages_total", ("kind", "offer")));
        Assert.Equal(1, Delta("mesh_signaling_relayed_messages_total", ("kind", "answer")));
        Assert.Equal(0, Delta("mesh_signaling_relayed_messages_total", ("kind", "ice_candidate")));
        Assert.Equal(1, Delta("mesh_signaling_errors_total", ("code", "UNKNOWN_TARGET")));
        Assert.Equal(1, Delta("mesh_signaling_errors_total", ("code", "INVALID_JSON")));
        Assert.Equal(2, after.Value("mesh_signaling_connected_clients"));
        Assert.Equal(2, after.Value("mesh_signaling_registered_clients"));
    }

    [Fact]
    public async Task Metrics_turned_off_answer_404_with_an_error_code()
    {
        await using var node = await NodeProcess.StartAsync(hocon: "mesh.metrics.enabled = off");

        using var response = await node.Http.GetAsync(new Uri(node.BaseUri, "/metrics"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"METRICS_OFF\"", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>A strict reader of the Prometheus text format (0.0.4): fails on any line it cannot read.</summary>
public sealed partial record PrometheusSamples(IReadOnlyList<PrometheusSample> Samples)
{
    public static PrometheusSamples Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var samples = new List<PrometheusSample>();
        Assert.EndsWith("\n", text);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                Assert.True(comment.Success, $"not a HELP or TYPE line: {line}");
                if (comment.Groups[1].Value == "TYPE")
                {
                    Assert.Contains(comment.Groups[3].Value, new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    Assert.True(types.TryAdd(comment.Groups[2].Value, comment.Groups[3].Value), $"TYPE given twice for {comment.Groups[2].Value}");
                }

                continue;
            }

            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups["name"].Value;
            Assert.True(types.ContainsKey(name), $"{name} has no TYPE before its samples");
            if (types[name] == "counter") Assert.EndsWith("_total", name);
            var labels = Label().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var value = double.Parse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            samples.Add(new PrometheusSample(name, labels, value));
        }

        Assert.NotEmpty(samples);
        return new PrometheusSamples(samples);
    }

    public double Value(string name, params (string Name, string Value)[] labels) =>
        Assert.Single(Samples, s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).Value;

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*)\})? (?<value>[-+]?([0-9.eE+-]+|Inf|NaN))$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
