using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Node.Tests.Contracts;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Mesh;

/// <summary>Three real mesh-node processes in one cluster, with real WebSocket clients on different nodes.</summary>
public sealed class MeshClusterTests
{
    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static readonly TimeSpan Presence = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_client_on_node_1_and_a_client_on_node_3_complete_offer_answer_and_ice()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var alice = await SignalClient.RegisterAsync(mesh[0].SignalUri, "K1ABC");
        await using var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri, "W1AW");
        await ExpectPeerJoinedAsync(alice, bob.ClientId!);
        await WaitUntilSeenAsync(bob, alice.ClientId!);

        await alice.SendAsync(new { type = "OFFER", target = bob.ClientId, offer = new { type = "offer", sdp = Sdp } });
        var offer = await bob.ExpectAsync("OFFER_RECEIVED");
        await bob.SendAsync(new { type = "ANSWER", target = "k1abc", answer = new { type = "answer", sdp = Sdp } });
        var answer = await alice.ExpectAsync("ANSWER_RECEIVED");
        var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host", sdpMLineIndex = 0, sdpMid = "0" };
        await alice.SendAsync(new { type = "ICE_CANDIDATE", target = bob.ClientId, candidate });
        var ice = await bob.ExpectAsync("ICE_CANDIDATE_RECEIVED");

        Assert.Equal(alice.ClientId, offer["from"]!.GetValue<string>());
        Assert.Equal(Sdp, offer["offer"]!["sdp"]!.GetValue<string>());
        Assert.Equal(bob.ClientId, answer["from"]!.GetValue<string>());
        Assert.Equal(alice.ClientId, ice["from"]!.GetValue<string>());
        Assert.Equal(candidate.candidate, ice["candidate"]!["candidate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Registered_and_peers_list_clients_of_every_node()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri);
        await using var alice = await SignalClient.RegisterAsync(mesh[0].SignalUri);
        await using var carol = await SignalClient.RegisterAsync(mesh[1].SignalUri);
        await ExpectPeerJoinedAsync(bob, alice.ClientId!);
        await ExpectPeerJoinedAsync(bob, carol.ClientId!);

        await bob.SendAsync(new { type = "LIST_PEERS" });
        var peers = await bob.ExpectAsync("PEERS");
        var dave = await SignalClient.ConnectAsync(mesh[2].SignalUri);
        await using var _ = dave;
        await dave.SendAsync(new { type = "REGISTER", callsign = "GUEST" });
        var registered = await dave.ExpectAsync("REGISTERED");

        Assert.Equal(new[] { alice.ClientId!, carol.ClientId! }.Order(), Ids(peers["peers"]!).Order());
        Assert.Equal(new[] { alice.ClientId!, bob.ClientId!, carol.ClientId! }.Order(), Ids(registered["peers"]!).Order());
    }

    [Fact]
    public async Task A_killed_node_leaves_the_peer_lists_and_rejoins_after_a_restart()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var alice = await SignalClient.RegisterAsync(mesh[0].SignalUri);
        var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri);
        await ExpectPeerJoinedAsync(alice, bob.ClientId!);

        mesh[2].Kill();
        await ExpectPeerLeftAsync(alice, bob.ClientId!, TimeSpan.FromSeconds(15));
        await bob.DisposeAsync();
        await mesh.RestartAsync(2);
        var view = await mesh.WaitUntilAllUpAsync(3, TimeSpan.FromSeconds(40));
        await using var bobAgain = await SignalClient.RegisterAsync(mesh[2].SignalUri);

        await ExpectPeerJoinedAsync(alice, bobAgain.ClientId!);
        Assert.Contains(mesh.AddressOf(2), view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()));
        await alice.SendAsync(new { type = "LIST_PEERS" });
        Assert.Equal([bobAgain.ClientId!], Ids((await alice.ExpectAsync("PEERS"))["peers"]!));
    }

    [Fact]
    public async Task A_downed_node_keeps_its_process_closes_browsers_with_1012_re_forms_and_rejoins()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri);

        // Frozen past the resolver's stable-after, node 3 is downed by the majority.
        mesh[2].Freeze();
        await WaitUntilAsync(async () => !(await MemberAddressesAsync(mesh[0])).Contains(mesh.AddressOf(2)), TimeSpan.FromSeconds(40));
        mesh[2].Thaw();

        await bob.WaitUntilClosedAsync(TimeSpan.FromSeconds(40));
        Assert.Equal((WebSocketCloseStatus)1012, bob.CloseStatus);
        Assert.Equal("node re-forming", bob.CloseStatusDescription);
        await mesh.WaitUntilAllUpAsync(3, TimeSpan.FromSeconds(40));
        await mesh[2].WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        await using var bobAgain = await SignalClient.RegisterAsync(mesh[2].SignalUri);
        Assert.False(mesh[2].HasExited);
        Assert.Contains("re-forming", mesh[2].Output);

        mesh[2].Terminate();
        Assert.Equal(0, await mesh[2].WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Api_mesh_shows_every_member_the_leader_and_itself()
    {
        await using var mesh = await MeshNodes.StartAsync(3);

        using var response = await mesh[1].Http.GetAsync(new Uri(mesh[1].BaseUri, "/api/mesh"));
        var json = await ContractSchemas.Instance.AssertHttpResponseAsync(response);
        var view = JsonDocument.Parse(json).RootElement;

        Assert.Equal(mesh.AddressOf(1), view.GetProperty("self").GetString());
        Assert.Contains(view.GetProperty("leader").GetString(), Enumerable.Range(0, 3).Select(mesh.AddressOf));
        Assert.Equal(Enumerable.Range(0, 3).Select(mesh.AddressOf).Order(),
            view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).Order());
        Assert.All(view.GetProperty("members").EnumerateArray(), m => Assert.Equal("up", m.GetProperty("status").GetString()));
        Assert.Equal(0, view.GetProperty("unreachable").GetArrayLength());
    }

    private static async Task ExpectPeerJoinedAsync(SignalClient client, string peerId)
    {
        while (true)
        {
            var joined = await client.ExpectAsync("PEER_JOINED", Presence);
            if (joined["peer"]!["id"]!.GetValue<string>() == peerId) return;
        }
    }

    private static async Task ExpectPeerLeftAsync(SignalClient client, string peerId, TimeSpan within)
    {
        while (true)
        {
            var left = await client.ExpectAsync("PEER_LEFT", within);
            if (left["peerId"]!.GetValue<string>() == peerId) return;
        }
    }

    /// <summary>Asks for the peer list until it names the peer (a REGISTERED may predate the peer's arrival).</summary>
    private static async Task WaitUntilSeenAsync(SignalClient client, string peerId)
    {
        await WaitUntilAsync(async () =>
        {
            await client.SendAsync(new { type = "LIST_PEERS" });
            return Ids((await client.ExpectAsync("PEERS"))["peers"]!).Contains(peerId);
        });
    }

    private static List<string> Ids(JsonNode peers) => peers.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();

    private static async Task<List<string>> MemberAddressesAsync(NodeProcess node) =>
        (await node.GetJsonAsync("/api/mesh")).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).ToList();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Presence);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(200);
        }

        throw new TimeoutException("the condition did not hold in time");
    }
}
