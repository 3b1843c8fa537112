// How a node finds its neighbours: mDNS on or off, which interface, and how long peers live.
using Akka.Configuration;

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

    /// <summary>Reads `mesh.mdns` and `mesh.discovery` from the node's HOCON; missing keys keep their defaults.</summary>
    /// <exception cref="ArgumentException">A key has a value out of range; the message names it.</exception>
    public static DiscoverySettings FromConfig(Config config)
    {
        var d = Default;
        var iface = config.GetString("mesh.mdns.interface", "");
        var settings = new DiscoverySettings(
            MdnsEnabled: config.GetBoolean("mesh.mdns.enabled", d.MdnsEnabled),
            Interface: string.IsNullOrWhiteSpace(iface) ? null : iface,
            RecordTtl: config.GetTimeSpan("mesh.mdns.ttl", d.RecordTtl),
            MaxQueryInterval: config.GetTimeSpan("mesh.mdns.max-query-interval", d.MaxQueryInterval),
            ProbeInterval: config.GetTimeSpan("mesh.discovery.probe-interval", d.ProbeInterval),
            ProbeTimeout: config.GetTimeSpan("mesh.discovery.probe-timeout", d.ProbeTimeout),
            MaxFailedProbes: config.GetInt("mesh.discovery.max-failed-probes", d.MaxFailedProbes),
            MaxPeers: config.GetInt("mesh.discovery.max-peers", d.MaxPeers));
        settings.Validate();
        return settings;
    }

    /// <exception cref="ArgumentException">A value is out of range; the message names the HOCON key.</exception>
    public void Validate()
    {
        if (RecordTtl < TimeSpan.FromSeconds(1) || RecordTtl > MdnsLimits.MaxAcceptedTtl)
            throw new ArgumentException($"mesh.mdns.ttl must be between 1s and {MdnsLimits.MaxAcceptedTtl.TotalSeconds}s, was {RecordTtl}");
        if (MaxQueryInterval < TimeSpan.FromSeconds(1))
            throw new ArgumentException($"mesh.mdns.max-query-interval must be at least 1s, was {MaxQueryInterval}");
        if (ProbeInterval < TimeSpan.FromMilliseconds(100))
            throw new ArgumentException($"mesh.discovery.probe-interval must be at least 100ms, was {ProbeInterval}");
        if (ProbeTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"mesh.discovery.probe-timeout must be positive, was {ProbeTimeout}");
        if (MaxFailedProbes < 1)
            throw new ArgumentException($"mesh.discovery.max-failed-probes must be at least 1, was {MaxFailedProbes}");
        if (MaxPeers < 1)
            throw new ArgumentException($"mesh.discovery.max-peers must be at least 1, was {MaxPeers}");
    }
}
