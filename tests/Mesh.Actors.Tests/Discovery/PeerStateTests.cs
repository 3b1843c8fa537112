using System.Net;
using Mesh.Actors.Discovery;
using Xunit;

namespace Mesh.Actors.Tests.Discovery;

public sealed class PeerStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ServiceSighting Sighting(TimeSpan ttl) => new("unclaimed-01234567", "0123456789abcdef", null, "0.1.0",
        ["signaling"], "/ws/signal", "akka.tcp://mesh@10.77.0.2:4053", IPAddress.Parse("10.77.0.2"), 8080, ttl);

    private static readonly PeerInfo Info = new("mesh-node", "0.1.0", ["signaling", "mesh"], "W1AW", "ws://10.77.0.2:8080/ws/signal");

    [Fact]
    public void An_mdns_peer_is_gone_when_its_TTL_passes_without_a_refresh()
    {
        var peer = PeerState.FromSighting(Sighting(TimeSpan.FromSeconds(10)), Now);

        Assert.Null(peer.GoneReason(Now.AddSeconds(9), maxFailedProbes: 3));
        Assert.Equal("ttl-expired", peer.GoneReason(Now.AddSeconds(10), maxFailedProbes: 3));
    }

    [Fact]
    public void A_new_sighting_extends_the_TTL()
    {
        var peer = PeerState.FromSighting(Sighting(TimeSpan.FromSeconds(10)), Now)
            .Sighted(Sighting(TimeSpan.FromSeconds(10)), Now.AddSeconds(8));

        Assert.Null(peer.GoneReason(Now.AddSeconds(15), maxFailedProbes: 3));
    }

    [Fact]
    public void A_peer_is_gone_after_the_allowed_failed_probes_in_a_row()
    {
        var peer = PeerState.Named("http://10.0.0.5:8080", null, DiscoveryMethod.Manual).ProbeFailed().ProbeFailed();

        Assert.Null(peer.GoneReason(Now, maxFailedProbes: 3));
        Assert.Equal("failed-probes", peer.ProbeFailed().GoneReason(Now, maxFailedProbes: 3));
    }

    [Fact]
    public void A_successful_probe_confirms_and_resets_the_failures()
    {
        var peer = PeerState.Named("http://10.0.0.5:8080", null, DiscoveryMethod.Manual).ProbeFailed().ProbeFailed()
            .ProbeSucceeded(Info, Now);

        Assert.True(peer.Confirmed);
        Assert.Equal(0, peer.ConsecutiveFailures);
        Assert.Equal(Now, peer.LastContact);
        Assert.Equal("W1AW", peer.Callsign);
        Assert.Equal(["signaling", "mesh"], peer.Capabilities);
    }

    [Fact]
    public void Quality_rises_with_answered_probes_and_falls_with_failed_ones()
    {
        var peer = PeerState.Named("http://10.0.0.5:8080", null, DiscoveryMethod.Manual);
        var better = peer.ProbeSucceeded(Info, Now).ProbeSucceeded(Info, Now);
        var worse = better.ProbeFailed();

        Assert.True(better.Quality > peer.ProbeSucceeded(Info, Now).Quality);
        Assert.True(worse.Quality < better.Quality);
        Assert.InRange(better.Quality, 0, 1);
    }

    [Fact]
    public void A_callsign_out_of_shape_in_api_info_is_not_taken()
    {
        var peer = PeerState.Named("http://10.0.0.5:8080", "K1ABC", DiscoveryMethod.Manual)
            .ProbeSucceeded(Info with { Callsign = "<img src=x>" }, Now);

        Assert.Equal("K1ABC", peer.Callsign);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8080", "http://10.0.0.5:8080")]
    [InlineData("https://node.example:8443/", "https://node.example:8443")]
    [InlineData("ftp://10.0.0.5", null)]
    [InlineData("http://10.0.0.5:8080/api/info", null)]
    [InlineData("10.0.0.5:8080", null)]
    public void Manual_endpoints_are_normalised_or_refused(string given, string? expected)
    {
        Assert.Equal(expected, PeerDirectoryActor.NormaliseEndpoint(given));
    }
}
