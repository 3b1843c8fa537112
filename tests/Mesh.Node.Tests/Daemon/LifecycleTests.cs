using System.Diagnostics;
using System.Net.WebSockets;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Daemon;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Status_info_and_health_answer_once_ready()
    {
        await using var node = await NodeProcess.StartAsync();

        var status = await node.GetJsonAsync("/api/status");
        var info = await node.GetJsonAsync("/api/info");
        var ready = await node.GetJsonAsync("/readyz");
        var healthy = await node.GetJsonAsync("/healthz");

        Assert.Equal("unclaimed", status.GetProperty("state").GetString());
        Assert.Equal(info.GetProperty("nodeId").GetString(), status.GetProperty("nodeId").GetString());
        Assert.Contains("signaling", info.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("ok", ready.GetProperty("status").GetString());
        Assert.True(ready.GetProperty("checks").GetProperty("cluster").GetBoolean());
        Assert.Equal("ok", healthy.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_node_id_survives_a_restart_on_the_same_data_directory()
    {
        string firstId, dataDirectory;
        await using (var first = await NodeProcess.StartAsync())
        {
            firstId = (await first.GetJsonAsync("/api/info")).GetProperty("nodeId").GetString()!;
            dataDirectory = first.DataDirectory;
        }

        await using var second = await NodeProcess.StartAsync(dataDirectory: dataDirectory);

        Assert.Equal(firstId, (await second.GetJsonAsync("/api/info")).GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task Sigterm_closes_every_websocket_with_a_reason_and_the_node_exits_within_five_seconds()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var alice = await SignalClient.RegisterAsync(node.SignalUri);
        await using var bob = await SignalClient.RegisterAsync(node.SignalUri);

        var stopwatch = Stopwatch.StartNew();
        node.Terminate();
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        stopwatch.Stop();

        Assert.Equal(0, exitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopwatch.Elapsed}");
        await alice.WaitUntilClosedAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, alice.CloseStatus);
        Assert.Equal("node shutting down", alice.CloseStatusDescription);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, bob.CloseStatus);
        Assert.DoesNotContain("re-forming", node.Output);
    }

    [Theory]
    [InlineData("GET", "/api/no-such-thing")]
    [InlineData("POST", "/api/status")]
    [InlineData("DELETE", "/healthz")]
    [InlineData("GET", "/assets/missing.js")]
    public async Task An_unknown_path_or_method_gets_a_json_404(string method, string path)
    {
        await using var node = await NodeProcess.StartAsync();

        using var response = await node.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(node.BaseUri, path)));

        Assert.True(response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed, $"{response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
    }
}
