using System.Text.Json.Nodes;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Signaling;

/// <summary>REGISTER's optional peerEvents through a real mesh-node process and real WebSockets.</summary>
public sealed class SignalingPeerEventsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_client_registered_with_peer_events_off_hears_no_joins_or_leaves_but_still_gets_the_list()
    {
        await using var quiet = await SignalClient.ConnectAsync(node.Node.SignalUri);
        await quiet.SendAsync(new { type = "REGISTER", callsign = "GUEST", peerEvents = false });
        await quiet.ExpectAsync("REGISTERED");
        await using var loud = await SignalClient.RegisterAsync(node.Node.SignalUri);
        var alice = await SignalClient.RegisterAsync(node.Node.SignalUri, "K1ABC");
        var aliceId = alice.ClientId;
        await loud.ExpectAsync("PEER_JOINED");

        await alice.DisposeAsync();
        Assert.Equal(aliceId, (await loud.ExpectAsync("PEER_LEFT"))["peerId"]!.GetValue<string>());
        await quiet.SendAsync(new { type = "LIST_PEERS" });
        var frames = await FramesUpToAsync(quiet, "PEERS");

        Assert.DoesNotContain(frames, frame => frame["type"]!.GetValue<string>() is "PEER_JOINED" or "PEER_LEFT");
        Assert.Contains(loud.ClientId, frames[^1]["peers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_client_with_peer_events_off_is_still_announced_to_the_others_and_reachable()
    {
        await using var loud = await SignalClient.RegisterAsync(node.Node.SignalUri);
        await using var quiet = await SignalClient.ConnectAsync(node.Node.SignalUri);
        await quiet.SendAsync(new { type = "REGISTER", callsign = "GUEST", peerEvents = false });
        var quietId = (await quiet.ExpectAsync("REGISTERED"))["clientId"]!.GetValue<string>();

        var joined = await loud.ExpectAsync("PEER_JOINED");
        await loud.SendAsync(SignalingRelayTests.Offer(quietId));

        Assert.Equal(quietId, joined["peer"]!["id"]!.GetValue<string>());
        Assert.Equal(loud.ClientId, (await quiet.ExpectAsync("OFFER_RECEIVED"))["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task Peer_events_that_are_not_a_boolean_are_refused_and_the_client_may_register_again()
    {
        await using var client = await SignalClient.ConnectAsync(node.Node.SignalUri);

        await client.SendAsync(new { type = "REGISTER", callsign = "GUEST", peerEvents = "off" });
        var error = await client.ExpectErrorAsync("INVALID_MESSAGE");
        await client.SendAsync(new { type = "REGISTER", callsign = "GUEST", peerEvents = true });

        Assert.Equal("REGISTER", error["inReplyTo"]!.GetValue<string>());
        await client.ExpectAsync("REGISTERED");
    }

    // Every frame that arrives until one of this type, that one last; presence answers in order, so
    // a PEER_JOINED or PEER_LEFT sent before the reply would be among them.
    private static async Task<List<JsonObject>> FramesUpToAsync(SignalClient client, string type)
    {
        var frames = new List<JsonObject>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int found;
        while ((found = frames.FindIndex(frame => frame["type"]!.GetValue<string>() == type)) < 0)
        {
            var arrived = client.Drain();
            if (arrived.Count == 0) await Task.Delay(20, timeout.Token);
            frames.AddRange(arrived);
        }

        return frames[..(found + 1)];
    }
}
