// How a node finds its neighbours: mDNS on or off, which interface, and how long peers live.
using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Actors.Discovery;

/// <param name="MdnsEnabled">`mesh.mdns.enabled`; `--no-mdns` turns it off.</param>
/// <param name="Interface">`mesh.mdns.interface`; `--interface`; null = every interface that is up.</param>
/// <param name="RecordTtl">TTL of the records we publish; peers forget us this long after we vanish.</param>
/// <param name="MaxQueryInterval">Browse queries start at 1 s apart and double up to this.</param>
/// <param name="ProbeInterval">How often each peer's /api/info is fetched.</param>
/// <param name="ProbeTimeout">How long one /api/info fetch may take.</param>
/// <param name="MaxFailedProbes">Consecutive failed fetches after which a peer is gone.</param>
/// <param name="MaxPeers">Peers kept at most, so a flood of fake announcements cannot grow memory.</param>
public sealed record DiscoverySettings(
    bool MdnsEnabled,
    string? Interface,
    TimeSpan RecordTtl,
    TimeSpan MaxQueryInterval,
    TimeSpan ProbeInterval,
    TimeSpan ProbeTimeout,
    int MaxFailedProbes,
    int MaxPeers)
{
    public static DiscoverySettings Default { get; } = new(
        MdnsEnabled: true,
        Interface: null,
        RecordTtl: TimeSpan.FromSeconds(120),
        MaxQueryInterval: TimeSpan.FromSeconds(60),
        ProbeInterval: TimeSpan.FromSeconds(15),
        ProbeTimeout: TimeSpan.FromSeconds(3),
        MaxFailedProbes: 3,
        MaxPeers: 256);

    /// <summary>Reads `mdns` and `discovery` from the node's `mesh` block (hocon/node.hocon documents each key).</summary>
    /// <exception cref="InvalidConfigurationException">A value is missing or out of range; the message names the key.</exception>
    public static DiscoverySettings FromConfig(Config mesh)
    {
        var iface = mesh.GetString("mdns.interface", "");
        var ttl = ConfigReader.PositiveDuration(mesh, "mdns.ttl");
        if (ttl < TimeSpan.FromSeconds(1) || ttl > MdnsLimits.MaxAcceptedTtl)
            throw new InvalidConfigurationException("mdns.ttl", $"must be between 1s and {MdnsLimits.MaxAcceptedTtl.TotalHours}h, not {ttl}");
        var maxQueryInterval = ConfigReader.PositiveDuration(mesh, "mdns.max-query-interval");
        if (maxQueryInterval < TimeSpan.FromSeconds(1))
            throw new InvalidConfigurationException("mdns.max-query-interval", $"must be at least 1s, not {maxQueryInterval}");
        return new DiscoverySettings(
            // A node whose HTTP API listens on loopback only has nothing to offer the LAN, and must not
            // multicast there (tests run such nodes on machines with real interfaces).
            MdnsEnabled: mesh.GetBoolean("mdns.enabled", true) && !IsLoopback(mesh.GetString("http.bind", "")),
            Interface: string.IsNullOrWhiteSpace(iface) ? null : iface,
            RecordTtl: ttl,
            MaxQueryInterval: maxQueryInterval,
            ProbeInterval: ConfigReader.PositiveDuration(mesh, "discovery.probe-interval"),
            ProbeTimeout: ConfigReader.PositiveDuration(mesh, "discovery.probe-timeout"),
            MaxFailedProbes: ConfigReader.IntInRange(mesh, "discovery.max-failed-probes", 1, 100),
            MaxPeers: ConfigReader.IntInRange(mesh, "discovery.max-peers", 1, 100_000));
    }

    private static bool IsLoopback(string bind) =>
        bind == "localhost" || (System.Net.IPAddress.TryParse(bind, out var address) && System.Net.IPAddress.IsLoopback(address));
}
