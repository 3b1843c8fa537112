// Messages of the discovery feature: what the directory is told, what it answers, what it publishes.
namespace Mesh.Actors.Discovery;

/// <summary>How a peer first became known; protocol.md's `discoveryMethod` values.</summary>
public enum DiscoveryMethod
{
    Mdns,
    Manual,
    Cq,
    Peer,
}

public static class DiscoveryMethodNames
{
    public static string ToWire(this DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Mdns => "mdns",
        DiscoveryMethod.Manual => "manual",
        DiscoveryMethod.Cq => "cq",
        DiscoveryMethod.Peer => "peer",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };
}

/// <summary>A peer as `GET /api/peers` shows it.</summary>
public sealed record PeerView(
    string Endpoint,
    string? NodeId,
    string? Callsign,
    IReadOnlyList<string> Capabilities,
    DateTimeOffset? LastContact,
    DiscoveryMethod DiscoveryMethod,
    bool Confirmed,
    double Quality,
    string? SignalingUrl,
    string? AkkaAddress);

/// <summary>A server as `GET /api/local-servers` shows it.</summary>
public sealed record LocalServer(string? Callsign, string Endpoint, string SignalingUrl, IReadOnlyList<string> Capabilities);

public static class PeerDirectoryCommands
{
    /// <summary>mDNS saw a `_hamesh._tcp` instance (or refreshed it).</summary>
    public sealed record PeerSighted(ServiceSighting Sighting);

    /// <summary>
    /// mDNS saw the instance's goodbye (TTL 0) from `From`: that peer goes at once. Two nodes of one
    /// owner share an instance name (the callsign), so the sender's address says which one left.
    /// </summary>
    public sealed record PeerSaidGoodbye(string InstanceName, System.Net.IPAddress From);

    /// <summary>A peer named by an operator (`POST /api/peers`), a cluster member's gossip or a CQ call.</summary>
    public sealed record AddPeer(string Endpoint, string? Callsign, DiscoveryMethod Method);
}

public static class PeerDirectoryReplies
{
    public sealed record PeerAdded(PeerView Peer);

    /// <summary>The peer was not added; `Error` is a stable code for the edge.</summary>
    public sealed record PeerRejected(string Error, string Details);

    public sealed record Peers(IReadOnlyList<PeerView> Items);

    public sealed record LocalServers(IReadOnlyList<LocalServer> Items);
}

public static class PeerDirectoryQueries
{
    public sealed record GetPeers
    {
        public static readonly GetPeers Instance = new();
    }

    public sealed record GetLocalServers
    {
        public static readonly GetLocalServers Instance = new();
    }
}

/// <summary>
/// Published on the ActorSystem's EventStream, where the mesh's join policy hears it: a peer answered its
/// /api/info for the first time. `AkkaAddress` is null when no source told it (a manual peer whose
/// /api/info has no `akkaAddress`).
/// </summary>
public sealed record PeerDiscovered(
    string? NodeId,
    string? AkkaAddress,
    string Endpoint,
    string? Callsign,
    IReadOnlyList<string> Capabilities,
    DiscoveryMethod Method) : Mesh.IClusterPeerSighting;

/// <summary>Published on the EventStream when a peer is gone (goodbye, TTL, failed probes).</summary>
public sealed record PeerLost(string? NodeId, string? AkkaAddress, string Endpoint, string Reason);

public static class MdnsCommands
{
    /// <summary>The node changed (claimed, capabilities, port known): re-announce, with a goodbye for a changed name.</summary>
    public sealed record UpdateLocalNode(LocalNode Node);
}
