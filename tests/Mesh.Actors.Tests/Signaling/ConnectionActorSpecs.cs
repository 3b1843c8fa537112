using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class ConnectionActorSpecs : TestKit
{
    private static readonly SignalingSettings Settings = new(
        MaxMessageBytes: 65536, MessagesPerMinute: 1, Burst: 10, CloseAfterRefusals: 5, IceCandidatesPerSession: 2,
        IdleTimeout: TimeSpan.FromSeconds(30), PingInterval: TimeSpan.FromSeconds(10), OutboundQueue: 16, PeerListLimit: 100);

    private readonly ClientOutbox outbox = new(Settings.OutboundQueue);
    private readonly RelayTally tally = new();
    private readonly Akka.TestKit.TestProbe presence;
    private readonly Akka.TestKit.TestProbe verifier;
    private readonly IActorRef connection;

    public ConnectionActorSpecs()
    {
        presence = CreateTestProbe();
        verifier = CreateTestProbe();
        connection = Sys.ActorOf(ConnectionActor.Props(outbox, presence.Ref, verifier.Ref, Settings, "1.2.3-test"));
        presence.ExpectMsg<Presence.Connect>();
    }

    [Fact]
    public void Hello_goes_out_with_the_owner_presence_knows()
    {
        connection.Tell(new Presence.Welcome("W1AW"), presence.Ref);

        var hello = NextFrame();
        Assert.Equal("HELLO", hello.GetProperty("type").GetString());
        Assert.Equal("W1AW", hello.GetProperty("serverOwner").GetString());
        Assert.Equal("1.2.3-test", hello.GetProperty("version").GetString());
    }

    [Fact]
    public void Register_without_a_certificate_asks_presence_for_an_unlicensed_entry()
    {
        Send("""{"type":"REGISTER","callsign":"K1ABC"}""");

        var register = presence.ExpectMsg<Presence.Register>();
        Assert.Equal("K1ABC", register.Peer.Callsign);
        Assert.False(register.Peer.HasLicense);
        verifier.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Register_asks_presence_for_peer_events_unless_the_client_turns_them_off()
    {
        Send("""{"type":"REGISTER","callsign":"GUEST","peerEvents":false}""");

        Assert.False(presence.ExpectMsg<Presence.Register>().PeerEvents);
    }

    [Fact]
    public void A_register_with_a_peer_events_value_that_is_not_a_boolean_is_refused_and_nothing_is_registered()
    {
        Send("""{"type":"REGISTER","callsign":"GUEST","peerEvents":"no"}""");

        var error = NextFrame();
        Assert.Equal("INVALID_MESSAGE", error.GetProperty("error").GetString());
        Assert.Equal("REGISTER", error.GetProperty("inReplyTo").GetString());
        presence.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Register_with_a_certificate_is_licensed_only_after_the_verifier_agrees()
    {
        connection.Tell(new Presence.Welcome(null), presence.Ref);
        var nonce = NextFrame().GetProperty("nonce").GetString();
        Send("""{"type":"REGISTER","callsign":"K1ABC","certificate":"PEM","signature":"SIG"}""");

        var verify = verifier.ExpectMsg<License.Verify>();
        Assert.Equal(nonce, verify.Nonce);
        presence.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        verifier.Reply(new License.Verified("K1ABC"));

        var register = presence.ExpectMsg<Presence.Register>();
        Assert.True(register.Peer.HasLicense);
        Assert.True(register.PeerEvents);
    }

    [Fact]
    public void A_rejected_certificate_is_an_error_and_the_client_may_register_again()
    {
        Send("""{"type":"REGISTER","callsign":"K1ABC","certificate":"PEM","signature":"SIG"}""");
        verifier.ExpectMsg<License.Verify>();
        verifier.Reply(new License.Rejected("chain does not end at a trusted root"));

        var error = NextFrame();
        Assert.Equal("INVALID_CERTIFICATE", error.GetProperty("error").GetString());
        Send("""{"type":"REGISTER","callsign":"GUEST"}""");
        presence.ExpectMsg<Presence.Register>();
    }

    [Fact]
    public void Messages_sent_while_registering_are_answered_in_order_once_registered()
    {
        Send("""{"type":"REGISTER","callsign":"GUEST"}""");
        presence.ExpectMsg<Presence.Register>();
        Send("""{"type":"LIST_PEERS"}""");
        Send("""{"type":"OFFER","target":"bob","offer":{"type":"offer","sdp":"v=0"}}""");
        presence.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        connection.Tell(new Presence.Registered([], null, tally), presence.Ref);

        Assert.Equal("REGISTERED", NextFrame().GetProperty("type").GetString());
        presence.ExpectMsg<Presence.ListPeers>();
        Assert.Equal("bob", presence.ExpectMsg<Presence.Relay>().Target);
    }

    [Fact]
    public void A_relayed_offer_carries_the_sender_and_the_payload_as_sent()
    {
        var clientId = Register("K1ABC");

        Send("""{"type":"OFFER","target":"bob","offer":{"type":"offer","sdp":"v=0"}}""");

        var relay = presence.ExpectMsg<Presence.Relay>();
        using var frame = JsonDocument.Parse(relay.Frame);
        Assert.Equal("OFFER_RECEIVED", frame.RootElement.GetProperty("type").GetString());
        Assert.Equal(clientId, frame.RootElement.GetProperty("from").GetString());
        Assert.Equal("K1ABC", frame.RootElement.GetProperty("fromCallsign").GetString());
        Assert.Equal("v=0", frame.RootElement.GetProperty("offer").GetProperty("sdp").GetString());
    }

    [Fact]
    public void Once_a_target_has_routed_a_relay_later_relays_go_straight_into_its_outbox_and_are_counted()
    {
        Register("GUEST");
        var bob = CreateTestProbe();
        var bobOutbox = new ClientOutbox(Settings.OutboundQueue);

        Send(Offer("bob"));
        presence.ExpectMsg<Presence.Relay>();
        connection.Tell(new Presence.Routed("bob", bob.Ref, bobOutbox));
        Send(Offer("bob"));

        AwaitAssert(() => Assert.True(bobOutbox.Frames.TryRead(out _)), TimeSpan.FromSeconds(3));
        presence.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, tally.Count);
    }

    [Fact]
    public void A_relay_routed_through_presence_is_queued_and_its_sender_is_told_the_route()
    {
        var clientId = Register("GUEST");
        var sender = CreateTestProbe();

        connection.Tell(new Presence.DeliverRouted("""{"type":"OFFER_RECEIVED"}"""u8.ToArray(), clientId, sender.Ref));

        Assert.Equal("OFFER_RECEIVED", NextFrame().GetProperty("type").GetString());
        var routed = sender.ExpectMsg<Presence.Routed>();
        Assert.Equal((clientId, connection, outbox), (routed.Target, routed.Connection, routed.Outbox));
    }

    [Fact]
    public void Relays_keep_going_through_presence_until_every_earlier_one_to_that_target_is_routed()
    {
        Register("GUEST");
        var bob = CreateTestProbe();
        var bobOutbox = new ClientOutbox(Settings.OutboundQueue);
        Send(Offer("bob"));
        Send(Offer("bob"));
        presence.ExpectMsg<Presence.Relay>();
        presence.ExpectMsg<Presence.Relay>();

        connection.Tell(new Presence.Routed("bob", bob.Ref, bobOutbox));
        Send(Offer("bob"));
        presence.ExpectMsg<Presence.Relay>();
        connection.Tell(new Presence.Routed("bob", bob.Ref, bobOutbox));
        connection.Tell(new Presence.Routed("bob", bob.Ref, bobOutbox));
        Send(Offer("bob"));

        AwaitAssert(() => Assert.True(bobOutbox.Frames.TryRead(out _)), TimeSpan.FromSeconds(3));
        presence.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_relay_to_a_routed_target_whose_connection_is_closing_goes_through_presence()
    {
        Register("GUEST");
        var bobOutbox = new ClientOutbox(Settings.OutboundQueue);
        Send(Offer("bob"));
        presence.ExpectMsg<Presence.Relay>();
        connection.Tell(new Presence.Routed("bob", CreateTestProbe().Ref, bobOutbox));

        bobOutbox.Close(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "closed by the client");
        Send(Offer("bob"));

        Assert.Equal("bob", presence.ExpectMsg<Presence.Relay>().Target);
    }

    [Fact]
    public void A_route_is_forgotten_when_its_target_stops()
    {
        Register("GUEST");
        var bob = CreateTestProbe();
        Send(Offer("bob"));
        presence.ExpectMsg<Presence.Relay>();
        connection.Tell(new Presence.Routed("bob", bob.Ref, new ClientOutbox(Settings.OutboundQueue)));

        Sys.Stop(bob.Ref);
        AwaitAssert(() =>
        {
            Send(Offer("bob"));
            presence.ExpectMsg<Presence.Relay>(TimeSpan.FromMilliseconds(200));
        }, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Ice_candidates_past_the_limit_are_refused_until_the_next_offer()
    {
        Register("GUEST");
        const string candidate = """{"type":"ICE_CANDIDATE","target":"bob","candidate":{"candidate":"c"}}""";

        Send(candidate);
        Send(candidate);
        Send(candidate);

        presence.ExpectMsg<Presence.Relay>();
        presence.ExpectMsg<Presence.Relay>();
        Assert.Equal("ICE_LIMIT", NextFrame().GetProperty("error").GetString());
        Send("""{"type":"ANSWER","target":"bob","answer":{"type":"answer","sdp":"v=0"}}""");
        Send(candidate);
        presence.ExpectMsg<Presence.Relay>();
        presence.ExpectMsg<Presence.Relay>();
    }

    [Fact]
    public void A_client_over_its_allowance_gets_one_error_then_is_closed_for_policy()
    {
        Register("GUEST");
        for (var i = 0; i < Settings.Burst - 1 + Settings.CloseAfterRefusals; i++) Send("""{"type":"LIST_PEERS"}""");

        Watch(connection);
        ExpectTerminated(connection);
        var frames = AllFrames();
        Assert.Single(frames, f => f.GetProperty("type").GetString() == "ERROR" && f.GetProperty("error").GetString() == "RATE_LIMITED");
        Assert.Equal(CloseReasons.RateLimitExceeded, outbox.Closing);
    }

    [Fact]
    public void A_client_whose_queue_is_full_is_closed_as_too_slow()
    {
        Register("GUEST");
        Watch(connection);

        for (var i = 0; i <= Settings.OutboundQueue; i++) connection.Tell(new Presence.Deliver("{}"u8.ToArray()));

        ExpectTerminated(connection);
        Assert.Equal(CloseReasons.ClientTooSlow, outbox.Closing);
    }

    [Fact]
    public void A_disconnected_client_stops_its_actor()
    {
        Watch(connection);

        connection.Tell(Connection.Disconnected.Instance);

        ExpectTerminated(connection);
    }

    private string Register(string callsign)
    {
        Send($$"""{"type":"REGISTER","callsign":"{{callsign}}"}""");
        presence.ExpectMsg<Presence.Register>();
        connection.Tell(new Presence.Registered([], null, tally), presence.Ref);
        return NextFrame().GetProperty("clientId").GetString()!;
    }

    private static string Offer(string target) => $$$"""{"type":"OFFER","target":"{{{target}}}","offer":{"type":"offer","sdp":"v=0"}}""";

    private void Send(string json) => connection.Tell(new Connection.InboundFrame(Encoding.UTF8.GetBytes(json)));

    private JsonElement NextFrame()
    {
        var read = outbox.Frames.ReadAsync().AsTask();
        Assert.True(read.Wait(TimeSpan.FromSeconds(3)), "no frame went out");
        return JsonDocument.Parse(read.Result).RootElement;
    }

    private List<JsonElement> AllFrames()
    {
        var frames = new List<JsonElement>();
        while (outbox.Frames.TryRead(out var frame)) frames.Add(JsonDocument.Parse(frame).RootElement);
        return frames;
    }
}
