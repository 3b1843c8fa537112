// What this node tells the local network about itself (protocol.md, "Discovery on the local network").
namespace Mesh.Actors.Discovery;

/// <param name="NodeId">Stable node id (TXT `id`); its first 8 characters name an unclaimed node.</param>
/// <param name="Callsign">The owner's callsign once the node is claimed, else null.</param>
/// <param name="HttpPort">The port of the HTTP API and WebSocket endpoints (SRV port).</param>
/// <param name="AkkaAddress">The node's Akka address (TXT `akka`); null until the actor system knows it.</param>
public sealed record LocalNode(
    string NodeId,
    string? Callsign,
    string Version,
    IReadOnlyList<string> Capabilities,
    int HttpPort,
    string SignalingPath,
    string? AkkaAddress)
{
    public string ShortId => NodeId.Length <= 8 ? NodeId : NodeId[..8];

    /// <summary>The mDNS instance name: the owner's callsign, or `unclaimed-&lt;short id&gt;`.</summary>
    public string InstanceName => Callsign ?? $"unclaimed-{ShortId}";

    /// <summary>The host name in our SRV records; not the callsign, which may hold characters a host label may not.</summary>
    public string HostLabel => $"hamesh-{ShortId}";

    public IReadOnlyList<KeyValuePair<string, string>> TxtProperties =>
    [
        new("callsign", Callsign ?? ""),
        new("version", Version),
        new("caps", string.Join(',', Capabilities)),
        new("sig", SignalingPath),
        new("akka", AkkaAddress ?? ""),
        new("id", NodeId),
    ];
}
