using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Discovery;
using Xunit;

namespace Mesh.Actors.Tests.Discovery;

public sealed class PeerDirectoryActorSpec : TestKit, IDisposable
{
    private static readonly DiscoverySettings Settings = DiscoverySettings.Default with
    {
        ProbeInterval = TimeSpan.FromMilliseconds(200),
        ProbeTimeout = TimeSpan.FromSeconds(2),
        MaxFailedProbes = 2,
    };

    private readonly HttpClient _http = new();
    private readonly List<FakePeer> _peers = [];

    private FakePeer Peer(string callsign)
    {
        var peer = new FakePeer(callsign);
        _peers.Add(peer);
        return peer;
    }

    private IActorRef Directory(DiscoverySettings? settings = null) => Sys.ActorOf(PeerDirectoryActor.Props(settings ?? Settings, _http));

    private static ServiceSighting SightingOf(FakePeer peer, TimeSpan ttl) => new($"unclaimed-{peer.Port}", $"node{peer.Port}", null, "0.1.0",
        ["signaling"], "/ws/signal", $"akka.tcp://mesh@127.0.0.1:{peer.Port}", IPAddress.Loopback, peer.Port, ttl);

    private IReadOnlyList<PeerView> Peers(IActorRef directory) =>
        directory.Ask<PeerDirectoryReplies.Peers>(PeerDirectoryQueries.GetPeers.Instance, RemainingOrDefault).Result.Items;

    private IReadOnlyList<LocalServer> LocalServers(IActorRef directory) =>
        directory.Ask<PeerDirectoryReplies.LocalServers>(PeerDirectoryQueries.GetLocalServers.Instance, RemainingOrDefault).Result.Items;

    [Fact]
    public void A_manual_peer_is_confirmed_through_its_api_info()
    {
        var peer = Peer("W1AW");
        var directory = Directory();

        directory.Tell(new PeerDirectoryCommands.AddPeer(peer.Endpoint + "/", null, DiscoveryMethod.Manual));

        Assert.Equal(peer.Endpoint, ExpectMsg<PeerDirectoryReplies.PeerAdded>().Peer.Endpoint);
        AwaitAssert(() =>
        {
            var view = Assert.Single(Peers(directory));
            Assert.True(view.Confirmed);
            Assert.Equal("W1AW", view.Callsign);
            Assert.Equal(DiscoveryMethod.Manual, view.DiscoveryMethod);
            Assert.NotNull(view.LastContact);
        });
    }

    [Fact]
    public void A_confirmed_peer_is_published_for_the_cluster_to_join()
    {
        var peer = Peer("K1ABC");
        Sys.EventStream.Subscribe(TestActor, typeof(PeerDiscovered));
        var directory = Directory();

        directory.Tell(new PeerDirectoryCommands.PeerSighted(SightingOf(peer, TimeSpan.FromMinutes(2))));

        var discovered = ExpectMsg<PeerDiscovered>();
        Assert.Equal($"akka.tcp://mesh@127.0.0.1:{peer.Port}", discovered.AkkaAddress);
        Assert.Equal($"node{peer.Port}", discovered.NodeId);
        Assert.Equal(DiscoveryMethod.Mdns, discovered.Method);
    }

    [Fact]
    public void A_peer_that_stops_answering_is_forgotten_after_its_failed_probes()
    {
        var peer = Peer("W1AW");
        Sys.EventStream.Subscribe(TestActor, typeof(PeerLost));
        var directory = Directory();
        directory.Tell(new PeerDirectoryCommands.AddPeer(peer.Endpoint, null, DiscoveryMethod.Manual));
        ExpectMsg<PeerDirectoryReplies.PeerAdded>();
        AwaitAssert(() => Assert.True(Assert.Single(Peers(directory)).Confirmed));

        peer.StopAnswering();

        Assert.Equal("failed-probes", ExpectMsg<PeerLost>(TimeSpan.FromSeconds(5)).Reason);
        AwaitAssert(() => Assert.Empty(Peers(directory)));
    }

    [Fact]
    public void An_mdns_peer_is_a_local_server_until_its_goodbye()
    {
        var peer = Peer("W1AW");
        var directory = Directory();
        var sighting = SightingOf(peer, TimeSpan.FromMinutes(2));
        directory.Tell(new PeerDirectoryCommands.PeerSighted(sighting));
        Assert.Equal(peer.Endpoint, Assert.Single(LocalServers(directory)).Endpoint);

        directory.Tell(new PeerDirectoryCommands.PeerSaidGoodbye(sighting.InstanceName, IPAddress.Loopback));

        Assert.Empty(LocalServers(directory));
        Assert.Empty(Peers(directory));
    }

    [Fact]
    public void A_goodbye_removes_only_the_node_that_sent_it_when_two_share_a_name()
    {
        var (first, second) = (Peer("W1AW"), Peer("W1AW"));
        var directory = Directory();
        directory.Tell(new PeerDirectoryCommands.PeerSighted(SightingOf(first, TimeSpan.FromMinutes(2)) with { InstanceName = "W1AW" }));
        directory.Tell(new PeerDirectoryCommands.PeerSighted(SightingOf(second, TimeSpan.FromMinutes(2)) with
        {
            InstanceName = "W1AW",
            Address = IPAddress.Parse("127.0.0.2"),
        }));

        directory.Tell(new PeerDirectoryCommands.PeerSaidGoodbye("W1AW", IPAddress.Parse("127.0.0.2")));

        Assert.Equal([first.Endpoint], LocalServers(directory).Select(s => s.Endpoint));
    }

    [Fact]
    public void An_mdns_peer_that_is_not_refreshed_goes_when_its_TTL_passes()
    {
        var peer = Peer("W1AW");
        Sys.EventStream.Subscribe(TestActor, typeof(PeerLost));
        var directory = Directory(Settings with { ProbeInterval = TimeSpan.FromMinutes(1) });

        directory.Tell(new PeerDirectoryCommands.PeerSighted(SightingOf(peer, TimeSpan.FromSeconds(1))));

        Assert.Equal("ttl-expired", ExpectMsg<PeerLost>(TimeSpan.FromSeconds(5)).Reason);
        AwaitAssert(() => Assert.Empty(LocalServers(directory)));
    }

    [Fact]
    public void A_manual_peer_is_not_a_local_server()
    {
        var peer = Peer("W1AW");
        var directory = Directory();

        directory.Tell(new PeerDirectoryCommands.AddPeer(peer.Endpoint, null, DiscoveryMethod.Manual));
        ExpectMsg<PeerDirectoryReplies.PeerAdded>();

        Assert.Empty(LocalServers(directory));
    }

    [Theory]
    [InlineData("not a url", null, "INVALID_ENDPOINT")]
    [InlineData("http://10.0.0.5:8080", "<b>", "INVALID_CALLSIGN")]
    public void A_manual_peer_out_of_shape_is_refused(string endpoint, string? callsign, string error)
    {
        Directory().Tell(new PeerDirectoryCommands.AddPeer(endpoint, callsign, DiscoveryMethod.Manual));

        Assert.Equal(error, ExpectMsg<PeerDirectoryReplies.PeerRejected>().Error);
    }

    [Fact]
    public void Peers_past_the_limit_are_refused()
    {
        var directory = Directory(Settings with { MaxPeers = 1 });
        directory.Tell(new PeerDirectoryCommands.AddPeer(Peer("W1AW").Endpoint, null, DiscoveryMethod.Manual));
        ExpectMsg<PeerDirectoryReplies.PeerAdded>();

        directory.Tell(new PeerDirectoryCommands.AddPeer(Peer("K1ABC").Endpoint, null, DiscoveryMethod.Manual));

        Assert.Equal("TOO_MANY_PEERS", ExpectMsg<PeerDirectoryReplies.PeerRejected>().Error);
    }

    void IDisposable.Dispose()
    {
        foreach (var peer in _peers)
            peer.Dispose();
        _http.Dispose();
        Dispose();
    }
}
