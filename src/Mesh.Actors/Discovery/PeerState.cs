// What one node knows about one peer, and the rules for when that peer is gone. Pure, so tested alone.
namespace Mesh.Actors.Discovery;

/// <summary>A peer's `GET /api/info`, as far as we read it. `NodeId` and `AkkaAddress` are optional extras.</summary>
public sealed record PeerInfo(
    string? Type,
    string? Version,
    IReadOnlyList<string>? Capabilities,
    string? Callsign,
    string? SignalingUrl,
    string? NodeId = null,
    string? AkkaAddress = null);

public sealed record PeerState(
    string Endpoint,
    DiscoveryMethod Method,
    string? NodeId,
    string? InstanceName,
    string? Callsign,
    IReadOnlyList<string> Capabilities,
    string? SignalingUrl,
    string? AkkaAddress,
    DateTimeOffset? LastContact,
    DateTimeOffset? MdnsExpiresAt,
    bool Confirmed,
    int ConsecutiveFailures,
    double Quality)
{
    /// <summary>Weight of the newest probe in the quality score (an exponential moving average of successes).</summary>
    private const double QualityWeight = 0.3;

    public static PeerState FromSighting(ServiceSighting sighting, DateTimeOffset now) =>
        new PeerState(sighting.Endpoint, DiscoveryMethod.Mdns, null, null, null, [], null, null, null, null, false, 0, 0)
            .Sighted(sighting, now);

    public static PeerState Named(string endpoint, string? callsign, DiscoveryMethod method) =>
        new(endpoint, method, null, null, callsign, [], null, null, null, null, false, 0, 0);

    /// <summary>An mDNS record for this peer arrived: it refreshes the TTL and the TXT facts.</summary>
    public PeerState Sighted(ServiceSighting sighting, DateTimeOffset now) => this with
    {
        NodeId = sighting.NodeId,
        InstanceName = sighting.InstanceName,
        Callsign = sighting.Callsign ?? Callsign,
        Capabilities = Confirmed ? Capabilities : sighting.Capabilities,
        SignalingUrl = Confirmed && SignalingUrl is not null ? SignalingUrl : $"ws://{sighting.Address}:{sighting.Port}{sighting.SignalingPath}",
        AkkaAddress = sighting.AkkaAddress ?? AkkaAddress,
        MdnsExpiresAt = now + sighting.Ttl,
    };

    public PeerState ProbeSucceeded(PeerInfo info, DateTimeOffset now) => this with
    {
        Confirmed = true,
        LastContact = now,
        ConsecutiveFailures = 0,
        Quality = Quality * (1 - QualityWeight) + QualityWeight,
        Callsign = info.Callsign is { Length: > 0 } c && MdnsBrowsing.IsCallsign(c) ? c : Callsign,
        Capabilities = info.Capabilities is { Count: <= 16 } caps ? caps : Capabilities,
        SignalingUrl = info.SignalingUrl is { Length: <= 256 } url && Uri.TryCreate(url, UriKind.Absolute, out _) ? url : SignalingUrl,
        NodeId = NodeId ?? info.NodeId,
        AkkaAddress = AkkaAddress ?? info.AkkaAddress,
    };

    public PeerState ProbeFailed() => this with
    {
        ConsecutiveFailures = ConsecutiveFailures + 1,
        Quality = Quality * (1 - QualityWeight),
    };

    /// <summary>Why the peer is gone, or null while it is not.</summary>
    public string? GoneReason(DateTimeOffset now, int maxFailedProbes) =>
        ConsecutiveFailures >= maxFailedProbes ? "failed-probes"
        : MdnsExpiresAt is { } expiry && now >= expiry ? "ttl-expired"
        : null;

    public PeerView ToView() => new(Endpoint, NodeId, Callsign, Capabilities, LastContact, Method, Confirmed,
        Math.Round(Quality, 3), SignalingUrl, AkkaAddress);
}
