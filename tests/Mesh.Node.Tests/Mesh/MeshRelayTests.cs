using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Node.Tests.Contracts;
using Mesh.Node.Tests.Infrastructure;
using static Mesh.Node.Tests.Mesh.MeshSteps;

namespace Mesh.Node.Tests.Mesh;

/// <summary>Three real mesh-node processes in one cluster, shared by these tests, with real WebSocket clients on different nodes.</summary>
[Collection(MeshProcesses.Collection)]
public sealed class MeshRelayTests(MeshProcesses fixture) : IClassFixture<MeshProcesses>
{
    private MeshNodes Nodes => fixture.Mesh;

    [Fact]
    public async Task A_client_on_node_1_and_a_client_on_node_3_complete_offer_answer_and_ice()
    {
        await using var alice = await SignalClient.RegisterAsync(Nodes[0].SignalUri, "K1ABC");
        await using var bob = await SignalClient.RegisterAsync(Nodes[2].SignalUri, "W1AW");
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
        await using var bob = await SignalClient.RegisterAsync(Nodes[2].SignalUri);
        await using var alice = await SignalClient.RegisterAsync(Nodes[0].SignalUri);
        await using var carol = await SignalClient.RegisterAsync(Nodes[1].SignalUri);
        await ExpectPeerJoinedAsync(bob, alice.ClientId!, carol.ClientId!);

        await bob.SendAsync(new { type = "LIST_PEERS" });
        var peers = await bob.ExpectAsync("PEERS");
        var dave = await SignalClient.ConnectAsync(Nodes[2].SignalUri);
        await using var _ = dave;
        await dave.SendAsync(new { type = "REGISTER", callsign = "GUEST" });
        var registered = await dave.ExpectAsync("REGISTERED");

        Assert.Subset(Ids(peers["peers"]!).ToHashSet(), new HashSet<string> { alice.ClientId!, carol.ClientId! });
        Assert.DoesNotContain(bob.ClientId!, Ids(peers["peers"]!));
        Assert.Subset(Ids(registered["peers"]!).ToHashSet(), new HashSet<string> { alice.ClientId!, bob.ClientId!, carol.ClientId! });
    }

    [Fact]
    public async Task Api_mesh_shows_every_member_the_leader_and_itself()
    {

        using var response = await Nodes[1].Http.GetAsync(new Uri(Nodes[1].BaseUri, "/api/mesh"));
        var json = await ContractSchemas.Instance.AssertHttpResponseAsync(response);
        var view = JsonDocument.Parse(json).RootElement;

        Assert.Equal(Nodes.AddressOf(1), view.GetProperty("self").GetString());
        Assert.Contains(view.GetProperty("leader").GetString(), Enumerable.Range(0, 3).Select(Nodes.AddressOf));
        Assert.Equal(Enumerable.Range(0, 3).Select(Nodes.AddressOf).Order(),
            view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).Order());
        Assert.All(view.GetProperty("members").EnumerateArray(), m => Assert.Equal("up", m.GetProperty("status").GetString()));
        Assert.Equal(0, view.GetProperty("unreachable").GetArrayLength());
    }
}
