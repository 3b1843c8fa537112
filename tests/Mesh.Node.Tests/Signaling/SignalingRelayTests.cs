using System.Text.Json.Nodes;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Signaling;

/// <summary>The /ws/signal relay between real WebSocket clients through a real mesh-node process.</summary>
public sealed class SignalingRelayTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    [Fact]
    public async Task Hello_comes_first_with_a_fresh_nonce_and_the_version()
    {
        await using var first = await SignalClient.ConnectAsync(node.Node.SignalUri);
        await using var second = await SignalClient.ConnectAsync(node.Node.SignalUri);

        Assert.Matches("^[A-Za-z0-9_-]{16,}$", first.Hello!["nonce"]!.GetValue<string>());
        Assert.NotEqual(first.Hello["nonce"]!.GetValue<string>(), second.Hello!["nonce"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+-.+$", first.Hello["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_registered_client_gets_its_id_and_sees_the_others()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri, "K1ABC");
        await using var bob = await SignalClient.ConnectAsync(node.Node.SignalUri);
        await bob.SendAsync(new { type = "REGISTER", callsign = "w1aw" });

        var registered = await bob.ExpectAsync("REGISTERED");
        var peers = registered["peers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(alice.ClientId, peers);
        Assert.DoesNotContain(registered["clientId"]!.GetValue<string>(), peers);

        var joined = await alice.ExpectAsync("PEER_JOINED");
        Assert.Equal(registered["clientId"]!.GetValue<string>(), joined["peer"]!["id"]!.GetValue<string>());
        Assert.Equal("W1AW", joined["peer"]!["callsign"]!.GetValue<string>());
        Assert.False(joined["peer"]!["hasLicense"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Offer_answer_and_ice_candidates_reach_the_other_client()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri);
        await using var bob = await SignalClient.RegisterAsync(node.Node.SignalUri);

        await alice.SendAsync(new { type = "OFFER", target = bob.ClientId, offer = new { type = "offer", sdp = Sdp } });
        var offer = await bob.ExpectAsync("OFFER_RECEIVED");
        Assert.Equal(alice.ClientId, offer["from"]!.GetValue<string>());
        Assert.Equal(Sdp, offer["offer"]!["sdp"]!.GetValue<string>());

        await bob.SendAsync(new { type = "ANSWER", target = alice.ClientId, answer = new { type = "answer", sdp = Sdp } });
        var answer = await alice.ExpectAsync("ANSWER_RECEIVED");
        Assert.Equal(bob.ClientId, answer["from"]!.GetValue<string>());
        Assert.Equal("answer", answer["answer"]!["type"]!.GetValue<string>());

        var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host", sdpMLineIndex = 0, sdpMid = "0" };
        await bob.SendAsync(new { type = "ICE_CANDIDATE", target = alice.ClientId, candidate });
        var ice = await alice.ExpectAsync("ICE_CANDIDATE_RECEIVED");
        Assert.Equal(bob.ClientId, ice["from"]!.GetValue<string>());
        Assert.Equal(candidate.candidate, ice["candidate"]!["candidate"]!.GetValue<string>());
        Assert.Equal(0, ice["candidate"]!["sdpMLineIndex"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_offer_addressed_to_a_callsign_reaches_that_station()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri);
        await using var bob = await SignalClient.RegisterAsync(node.Node.SignalUri, "VE3XYZ");

        await alice.SendAsync(new { type = "OFFER", target = "ve3xyz", offer = new { type = "offer", sdp = Sdp } });

        var offer = await bob.ExpectAsync("OFFER_RECEIVED");
        Assert.Equal(alice.ClientId, offer["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_peers_answers_with_everyone_else()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri);
        await using var bob = await SignalClient.RegisterAsync(node.Node.SignalUri);

        await alice.SendAsync(new { type = "LIST_PEERS" });

        var ids = (await alice.ExpectAsync("PEERS"))["peers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(bob.ClientId, ids);
        Assert.DoesNotContain(alice.ClientId, ids);
    }

    [Fact]
    public async Task A_client_that_disconnects_leaves_the_others_peer_lists()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri);
        var bob = await SignalClient.RegisterAsync(node.Node.SignalUri);
        var bobId = bob.ClientId;

        await bob.DisposeAsync();

        var left = await alice.ExpectAsync("PEER_LEFT");
        Assert.Equal(bobId, left["peerId"]!.GetValue<string>());
        await alice.SendAsync(new { type = "OFFER", target = bobId, offer = new { type = "offer", sdp = Sdp } });
        await alice.ExpectErrorAsync("UNKNOWN_TARGET");
    }

    [Fact]
    public async Task The_status_counts_connected_clients()
    {
        await using var alice = await SignalClient.RegisterAsync(node.Node.SignalUri);

        var status = await node.Node.GetJsonAsync("/api/status");

        Assert.True(status.GetProperty("signaling").GetProperty("connected").GetInt32() >= 1);
        Assert.EndsWith("/ws/signal", status.GetProperty("signaling").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Once_the_node_is_claimed_hello_and_registered_name_its_owner()
    {
        await using var claimed = await NodeProcess.StartAsync();
        await using var before = await SignalClient.ConnectAsync(claimed.SignalUri);
        Assert.Null(before.Hello!["serverOwner"]?.GetValue<string>());

        await NodeOwner.ClaimAsync(claimed, "K1OWN");
        await using var after = await SignalClient.ConnectAsync(claimed.SignalUri);
        await after.SendAsync(new { type = "REGISTER", callsign = "GUEST" });

        Assert.Equal("K1OWN", after.Hello!["serverOwner"]!.GetValue<string>());
        Assert.Equal("K1OWN", (await after.ExpectAsync("REGISTERED"))["serverOwner"]!.GetValue<string>());
    }

    internal static JsonObject Offer(string target) => new()
    {
        ["type"] = "OFFER",
        ["target"] = target,
        ["offer"] = new JsonObject { ["type"] = "offer", ["sdp"] = Sdp },
    };
}
