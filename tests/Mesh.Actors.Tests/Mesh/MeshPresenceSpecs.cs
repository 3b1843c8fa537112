using Xunit;
using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Mesh;

/// <summary>Presence and relaying across three actor systems joined in one cluster.</summary>
public sealed class MeshPresenceSpecs : MeshSpec
{
    [Fact]
    public void A_frame_relayed_to_a_client_on_another_node_reaches_its_connection_actor()
    {
        StartMesh(2);
        var alice = Register(Nodes[0], "alice", "K1ABC");
        var bob = Register(Nodes[1], "bob", "W1AW");
        SeeEventually(Nodes[1], bob, "alice");

        var frame = "{\"type\":\"OFFER_RECEIVED\",\"from\":\"bob\"}"u8.ToArray();
        PresenceOf[Nodes[1]].Tell(new Presence.Relay("k1abc", frame), bob);

        Assert.Equal(frame, alice.FishForMessage<Presence.Deliver>(_ => true).Frame);
    }

    [Fact]
    public void A_client_registering_on_one_node_joins_and_leaves_the_other_nodes_peer_lists()
    {
        StartMesh(3);
        var alice = Register(Nodes[0], "alice", "GUEST");
        var carol = Register(Nodes[2], "carol", "GUEST");
        var bob = Register(Nodes[1], "bob", "GUEST");

        Assert.Equal("bob", alice.FishForMessage<Presence.PeerJoined>(j => j.Peer.Id == "bob").Peer.Id);
        Assert.Equal("bob", carol.FishForMessage<Presence.PeerJoined>(j => j.Peer.Id == "bob").Peer.Id);
        Watch(bob.Ref);
        Nodes[1].Stop(bob.Ref);
        ExpectTerminated(bob.Ref);

        Assert.Equal("bob", alice.FishForMessage<Presence.PeerLeft>(l => l.PeerId == "bob").PeerId);
        Assert.Equal("bob", carol.FishForMessage<Presence.PeerLeft>(l => l.PeerId == "bob").PeerId);
    }

    // Detection takes a few seconds; the bound is wide because CI runs both test projects, several
    // clusters and real node processes at once on 2 cores, where this test once needed more than 20 s.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_partition_hides_the_far_side_and_after_the_heal_it_is_one_cluster_with_every_client_again()
    {
        StartMesh(3);
        var alice = Register(Nodes[0], "alice", "GUEST");
        var carol = Register(Nodes[2], "carol", "GUEST");
        SeeEventually(Nodes[0], alice, "carol");

        SetLinks([Nodes[2]], cut: true);
        alice.FishForMessage<Presence.PeerLeft>(l => l.PeerId == "carol", Settle);
        carol.FishForMessage<Presence.PeerLeft>(l => l.PeerId == "alice", Settle);
        PresenceOf[Nodes[2]].Tell(new Presence.Relay("alice", [1]), carol);
        carol.FishForMessage<Presence.RelayRefused>(r => r.Error.Code == SignalingErrors.UnknownTarget);
        SetLinks([Nodes[2]], cut: false);

        alice.FishForMessage<Presence.PeerJoined>(j => j.Peer.Id == "carol", Settle);
        AwaitAssert(() =>
        {
            foreach (var node in Nodes)
            {
                var state = Cluster.Get(node).State;
                Assert.Equal(3, state.Members.Count(m => m.Status == MemberStatus.Up));
                Assert.Empty(state.Unreachable);
            }
        }, Settle, TimeSpan.FromMilliseconds(200));
        PresenceOf[Nodes[2]].Tell(new Presence.Relay("alice", [2]), carol);
        Assert.Equal([2], alice.FishForMessage<Presence.Deliver>(_ => true).Frame);
    }

    /// <summary>A test probe standing in for a connection actor, registered with its node's presence.</summary>
    private TestProbe Register(ActorSystem node, string clientId, string callsign)
    {
        var probe = CreateTestProbe(node);
        PresenceOf[node].Tell(Presence.Connect.Instance, probe.Ref);
        probe.ExpectMsg<Presence.Welcome>();
        PresenceOf[node].Tell(new Presence.Register(new PeerInfo(clientId, callsign, HasLicense: false)), probe.Ref);
        probe.ExpectMsg<Presence.Registered>();
        return probe;
    }

    private void SeeEventually(ActorSystem node, TestProbe asker, string clientId) =>
        AwaitAssert(() =>
        {
            PresenceOf[node].Tell(Presence.ListPeers.Instance, asker.Ref);
            Assert.Contains(clientId, asker.FishForMessage<Presence.PeerList>(_ => true).Peers.Select(p => p.Id));
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
}
