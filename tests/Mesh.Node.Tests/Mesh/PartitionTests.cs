using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Node.Tests.Discovery;
using Mesh.Node.Tests.Infrastructure;
using Xunit.Abstractions;
using static Mesh.Node.Tests.Mesh.MeshSteps;

namespace Mesh.Node.Tests.Mesh;

/// <summary>
/// R4 on real processes: three nodes on a LAN of network namespaces, seeded by node 1. Node 3's cable is pulled for
/// 60 s; the Split Brain Resolver downs it and it re-forms alone; both sides issue, blacklist and relay; then the cable
/// goes back in.
/// </summary>
[Collection(MeshProcesses.Collection)]
public sealed class PartitionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Split = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("mesh-partition-").FullName;
    private readonly NetworkLab _lab = new(3);
    private readonly List<MeshNodeProcess> _nodes = [];
    private readonly List<HttpClient> _clients = [];

    private Uri Node(int index) => new(_nodes[index].Endpoint);

    private Uri Signal(int index) => new($"ws://{_lab.Hosts[index].Address}:{_nodes[index].Port}/ws/signal");

    [Fact]
    public async Task Both_sides_of_a_60_second_split_issue_blacklist_and_relay_and_after_the_heal_one_cluster_holds_every_entry()
    {
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(MeshNodeProcess.Start(_lab.Hosts[i], Path.Combine(_data, $"node{i + 1}"), "", "--seed", "akka.tcp://mesh@10.77.0.1:4053", "--no-mdns"));
            _clients.Add(_lab.Hosts[i].HttpClient());
        }
        foreach (var node in _nodes)
            await node.WaitUntilReadyAsync(Formation);
        await Until(async () => await _nodes[0].UpMembersAsync() == 3, Formation, "the three nodes did not form one cluster");

        var majorityOwner = await NodeOwner.ClaimAsOperatorAsync(_clients[0], Node(0), "K1AAA");
        await majorityOwner.ActivateAsync(_clients[0], Node(0));
        var minorityOwner = await NodeOwner.ClaimAsOperatorAsync(_clients[2], Node(2), "K3CCC");
        await minorityOwner.ActivateAsync(_clients[2], Node(2));
        var before = await IssueAsync(majorityOwner, 0, "W1OLD");
        await Until(async () => await KnowsAsync(2, before), Formation, "node 3 never learned the certificate issued before the split");

        _lab.SetConnected(3, connected: false);
        var split = Stopwatch.StartNew();
        var majority = new List<string> { await IssueAsync(majorityOwner, 0, "W1MA") };
        var minority = new List<string> { await IssueAsync(minorityOwner, 2, "W3NA") };

        await Until(async () => await _nodes[0].UpMembersAsync() == 2, Formation, "the majority never removed node 3");
        majority.Add(await IssueAsync(majorityOwner, 0, "W1MB"));
        minority.Add(await IssueAsync(minorityOwner, 2, "W3NB"));
        await BlacklistAsync(majorityOwner, 0, majority[0], "majority side");
        await BlacklistAsync(majorityOwner, 0, before, "old key");
        await BlacklistAsync(minorityOwner, 2, minority[0], "minority side");
        await RelayAsync(from: 0, to: 1);
        await RelayAsync(from: 2, to: 2);
        Assert.False(await KnowsAsync(2, majority[1]), "the cable was out, yet node 3 learned a certificate of the majority");
        var stillCut = Split - split.Elapsed;
        if (stillCut > TimeSpan.Zero)
            await Task.Delay(stillCut);

        _lab.SetConnected(3, connected: true);
        var healing = Stopwatch.StartNew();
        await Until(async () => await _nodes[0].UpMembersAsync() == 3 && await _nodes[2].UpMembersAsync() == 3, TimeSpan.FromSeconds(120),
            "the sides did not become one cluster again");
        output.WriteLine($"R4: one cluster of 3 again {healing.Elapsed.TotalSeconds:F1} s after the heal (target 30 s)");

        await Until(async () =>
        {
            for (var node = 0; node < 3; node++)
            {
                foreach (var fingerprint in majority.Concat(minority).Append(before))
                {
                    if (!await KnowsAsync(node, fingerprint)) return false;
                }
                if (await BlacklistReasonAsync(node, majority[0]) != "majority side"
                    || await BlacklistReasonAsync(node, before) != "old key"
                    || await BlacklistReasonAsync(node, minority[0]) != "minority side")
                    return false;
            }
            return true;
        }, TimeSpan.FromSeconds(60), "not every node holds every certificate and blacklisting after the heal");
        output.WriteLine($"R4: every entry on every node {healing.Elapsed.TotalSeconds:F1} s after the heal");
    }

    /// <summary>Issues on the node, waiting out the second in which a re-forming node answers 503.</summary>
    private async Task<string> IssueAsync(ClaimedNode owner, int node, string callsign)
    {
        var deadline = DateTime.UtcNow + Formation;
        while (true)
        {
            using var response = await owner.IssueAsync(_clients[node], Node(node), callsign);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                continue;
            }
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created,
                $"issuing {callsign} on node {node + 1}: {(int)response.StatusCode} {body}; log:\n{_nodes[node].Log[^Math.Min(_nodes[node].Log.Length, 8000)..]}");
            return JsonDocument.Parse(body).RootElement.GetProperty("fingerprint").GetString()!;
        }
    }

    private async Task BlacklistAsync(ClaimedNode owner, int node, string fingerprint, string reason)
    {
        using var response = await owner.PostAsync(_clients[node], Node(node), $"/api/certificates/{fingerprint}/blacklist", new { reason });
        Assert.True(response.IsSuccessStatusCode, $"blacklisting on node {node + 1}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task RelayAsync(int from, int to)
    {
        await using var sender = await RegisterAsync(from, "K1ABC");
        await using var receiver = await RegisterAsync(to, "W1AW");
        await WaitUntilSeenAsync(sender, receiver.ClientId!);
        await sender.SendAsync(new { type = "OFFER", target = receiver.ClientId, offer = new { type = "offer", sdp = Sdp } });
        var offer = await receiver.ExpectAsync("OFFER_RECEIVED");
        Assert.Equal(sender.ClientId, offer["from"]!.GetValue<string>());
    }

    /// <summary>Registers on the node, waiting out the second in which a re-forming node refuses WebSockets with 503.</summary>
    private async Task<SignalClient> RegisterAsync(int node, string callsign)
    {
        var deadline = DateTime.UtcNow + Formation;
        while (true)
        {
            try
            {
                return await SignalClient.RegisterAsync(Signal(node), callsign, _clients[node]);
            }
            catch (System.Net.WebSockets.WebSocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private async Task<bool> KnowsAsync(int node, string fingerprint)
    {
        try
        {
            using var response = await _clients[node].GetAsync(new Uri(Node(node), $"/api/certificates/{fingerprint}"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<string?> BlacklistReasonAsync(int node, string fingerprint)
    {
        var details = await _clients[node].GetFromJsonAsync<JsonElement>(new Uri(Node(node), $"/api/certificates/{fingerprint}"));
        return details.GetProperty("blacklisted") is { ValueKind: JsonValueKind.Object } entry ? entry.GetProperty("reason").GetString() : null;
    }

    private async Task Until(Func<Task<bool>> condition, TimeSpan within, string failure)
    {
        try
        {
            await WaitUntilAsync(condition, within);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{failure}; logs:\n{string.Join("\n----\n", _nodes.Select(n => n.Log[^Math.Min(n.Log.Length, 6000)..]))}");
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        foreach (var client in _clients)
            client.Dispose();
        _lab.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
