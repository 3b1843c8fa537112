using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class PresenceActorSpecs : TestKit
{
    private readonly IActorRef presence;

    // Presence publishes through Distributed Data, so even one node is a cluster: of itself.
    private const string SingleNodeCluster = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.distributed-data.durable.keys = []
        """;

    public PresenceActorSpecs() : base(SingleNodeCluster)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, TimeSpan.FromSeconds(10));
        presence = Sys.ActorOf(PresenceActor.Props(peerListLimit: 2));
    }

    [Fact]
    public void A_new_client_gets_the_others_and_the_others_hear_it_joined()
    {
        var alice = Registered("a", "K1ABC");
        var bob = CreateTestProbe();

        presence.Tell(new Presence.Register(new PeerInfo("b", "GUEST", false)), bob.Ref);

        var registered = bob.ExpectMsg<Presence.Registered>();
        Assert.Equal(["a"], registered.Peers.Select(p => p.Id));
        Assert.Equal("b", alice.ExpectMsg<Presence.PeerJoined>().Peer.Id);
    }

    [Fact]
    public void A_client_that_turned_peer_events_off_gets_the_list_but_no_joins_or_leaves()
    {
        Registered("a", "K1ABC");
        var quiet = Registered("q", "GUEST", peerEvents: false);
        var loud = Registered("l", "GUEST");
        var leaving = Registered("x", "W1AW");
        loud.ExpectMsg<Presence.PeerJoined>();

        Sys.Stop(leaving.Ref);
        loud.FishForMessage<Presence.PeerLeft>(left => left.PeerId == "x");
        presence.Tell(Presence.ListPeers.Instance, quiet.Ref);

        Assert.Equal(["a", "l"], quiet.ExpectMsg<Presence.PeerList>().Peers.Select(p => p.Id));
    }

    [Fact]
    public void A_relay_reaches_the_target_by_client_id_or_by_callsign()
    {
        var alice = Registered("a", "K1ABC");
        var bob = Registered("b", "W1AW");
        alice.ExpectMsg<Presence.PeerJoined>();

        presence.Tell(new Presence.Relay("b", [1]), alice.Ref);
        presence.Tell(new Presence.Relay("w1aw", [2]), alice.Ref);

        Assert.Equal([1], bob.ExpectMsg<Presence.DeliverRouted>().Frame);
        Assert.Equal([2], bob.ExpectMsg<Presence.Deliver>().Frame);
    }

    [Fact]
    public void A_callsign_reaches_its_latest_registration_and_falls_back_when_that_one_leaves()
    {
        var first = Registered("1", "W1AW");
        var second = Registered("2", "W1AW");
        var sender = Registered("s", "GUEST");

        presence.Tell(new Presence.Relay("W1AW", [9]), sender.Ref);
        second.FishForMessage<Presence.Deliver>(_ => true);
        Sys.Stop(second.Ref);
        sender.FishForMessage<Presence.PeerLeft>(left => left.PeerId == "2");
        presence.Tell(new Presence.Relay("W1AW", [8]), sender.Ref);

        Assert.Equal([8], first.FishForMessage<Presence.Deliver>(_ => true).Frame);
    }

    [Fact]
    public void An_unknown_target_is_refused_to_the_sender()
    {
        var alice = Registered("a", "GUEST");

        presence.Tell(new Presence.Relay("GUEST", [1]), alice.Ref);

        Assert.Equal(SignalingErrors.UnknownTarget, alice.ExpectMsg<Presence.RelayRefused>().Error.Code);
    }

    [Fact]
    public void A_stopped_connection_leaves_and_the_others_are_told()
    {
        var alice = Registered("a", "GUEST");
        var bob = Registered("b", "GUEST");
        alice.ExpectMsg<Presence.PeerJoined>();

        Sys.Stop(bob.Ref);

        Assert.Equal("b", alice.ExpectMsg<Presence.PeerLeft>().PeerId);
        presence.Tell(Presence.GetStatistics.Instance);
        Assert.Equal(1, ExpectMsg<Presence.Statistics>().Registered);
    }

    [Fact]
    public void Peer_lists_are_capped_at_the_configured_limit_and_leave_out_the_asker()
    {
        Registered("a", "GUEST");
        Registered("b", "GUEST");
        Registered("c", "GUEST");
        var asker = Registered("d", "GUEST");

        presence.Tell(Presence.ListPeers.Instance, asker.Ref);

        var peers = asker.FishForMessage<Presence.PeerList>(_ => true).Peers;
        Assert.Equal(2, peers.Count);
        Assert.DoesNotContain(peers, p => p.Id == "d");
    }

    [Fact]
    public void A_relay_to_a_local_client_named_by_its_id_names_its_sender_so_a_route_can_follow_but_one_by_callsign_does_not()
    {
        var alice = Registered("a", "K1ABC");
        var bob = Registered("b", "W1AW");
        alice.ExpectMsg<Presence.PeerJoined>();

        presence.Tell(new Presence.Relay("w1aw", [1]), alice.Ref);
        presence.Tell(new Presence.Relay("b", [2]), alice.Ref);

        Assert.Equal([1], bob.ExpectMsg<Presence.Deliver>().Frame);
        var routed = bob.ExpectMsg<Presence.DeliverRouted>();
        Assert.Equal([2], routed.Frame);
        Assert.Equal(("b", alice.Ref), (routed.Target, routed.Sender));
    }

    [Fact]
    public void Top_talkers_are_the_clients_that_counted_the_most_relays_and_a_client_that_leaves_drops_out()
    {
        var (alice, aliceRelays) = RegisteredWithTally("a", "K1ABC");
        var (_, bobRelays) = RegisteredWithTally("b", "W1AW");
        var (carol, carolRelays) = RegisteredWithTally("c", "N0CAL");
        aliceRelays.Add();
        aliceRelays.Add();
        bobRelays.Add();
        for (var i = 0; i < 3; i++) carolRelays.Add();

        presence.Tell(new Presence.GetTopTalkers(2));
        var top = ExpectMsg<Presence.TopTalkers>().Talkers;
        Sys.Stop(carol.Ref);
        alice.FishForMessage<Presence.PeerLeft>(left => left.PeerId == "c");
        presence.Tell(new Presence.GetTopTalkers(10));
        var afterLeaving = ExpectMsg<Presence.TopTalkers>().Talkers;

        Assert.Equal([("c", 3L), ("a", 2L)], top.Select(t => (t.Peer.Id, t.Relayed)));
        Assert.Equal([("a", 2L), ("b", 1L)], afterLeaving.Select(t => (t.Peer.Id, t.Relayed)));
    }

    private TestProbe Registered(string id, string callsign, bool peerEvents = true) =>
        RegisteredWithTally(id, callsign, peerEvents).Probe;

    private (TestProbe Probe, RelayTally Relays) RegisteredWithTally(string id, string callsign, bool peerEvents = true)
    {
        var probe = CreateTestProbe();
        presence.Tell(Presence.Connect.Instance, probe.Ref);
        probe.ExpectMsg<Presence.Welcome>();
        presence.Tell(new Presence.Register(new PeerInfo(id, callsign, false), peerEvents), probe.Ref);
        return (probe, probe.ExpectMsg<Presence.Registered>().Relays);
    }
}
