// Reads `_hamesh._tcp` instances out of received mDNS responses. Everything here treats the packet as
// hostile: a record that is absurd (TTL, size, values) is dropped and the rest of the packet still counts.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Makaretu.Dns;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Discovery;

/// <summary>A `_hamesh._tcp` instance seen on the network, with its TXT keys checked.</summary>
public sealed record ServiceSighting(
    string InstanceName,
    string NodeId,
    string? Callsign,
    string Version,
    IReadOnlyList<string> Capabilities,
    string SignalingPath,
    string? AkkaAddress,
    IPAddress Address,
    int Port,
    TimeSpan Ttl)
{
    public string Endpoint => $"http://{Address}:{Port}";
}

/// <summary>What one response says: instances seen, instances leaving, and names we must ask about to complete a sighting.</summary>
public sealed record BrowseResult(
    IReadOnlyList<ServiceSighting> Sightings,
    IReadOnlyList<string> Goodbyes,
    IReadOnlyList<MdnsQuestion> FollowUps,
    int Rejected)
{
    /// <summary>Nothing about `_hamesh._tcp` in the response (most traffic on a busy LAN).</summary>
    public bool IsEmpty => Sightings.Count == 0 && Goodbyes.Count == 0 && FollowUps.Count == 0 && Rejected == 0;
}

public static class MdnsBrowsing
{
    private const int MaxCapabilities = 16;

    public static BrowseResult Read(Message response, IPAddress? source)
    {
        var records = response.Answers.Concat(response.AdditionalRecords).ToList();
        var rejected = 0;
        var usable = new List<ResourceRecord>();
        foreach (var r in records)
        {
            if (r.TTL > MdnsLimits.MaxAcceptedTtl || r.TTL < TimeSpan.Zero)
                rejected++;
            else
                usable.Add(r);
        }

        var instances = new HashSet<DomainName>();
        var goodbyes = new HashSet<string>();
        foreach (var r in usable)
        {
            var instance = r switch
            {
                PTRRecord ptr when ptr.Name == MdnsNames.MeshService => ptr.DomainName,
                SRVRecord or TXTRecord when IsMeshInstance(r.Name) => r.Name,
                _ => null,
            };
            if (instance is null || !IsMeshInstance(instance))
                continue;
            if (r.TTL == TimeSpan.Zero && r is PTRRecord or SRVRecord)
                goodbyes.Add(instance.Labels[0]);
            else
                instances.Add(instance);
        }

        var sightings = new List<ServiceSighting>();
        var followUps = new List<MdnsQuestion>();
        foreach (var instance in instances.Where(i => !goodbyes.Contains(i.Labels[0])))
        {
            var srv = usable.OfType<SRVRecord>().FirstOrDefault(s => s.Name == instance && s.TTL > TimeSpan.Zero);
            var txt = usable.OfType<TXTRecord>().FirstOrDefault(t => t.Name == instance && t.TTL > TimeSpan.Zero);
            if (srv is null || txt is null)
            {
                followUps.Add(new MdnsQuestion(instance, DnsType.ANY));
                continue;
            }
            var addresses = usable.OfType<AddressRecord>()
                .Where(a => a.Name == srv.Target && a.TTL > TimeSpan.Zero)
                .Select(a => a.Address)
                // IPv4 only, like the multicast service itself (MdnsActor): a link-local IPv6 address needs the scope of an interface.
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
                .ToList();
            if (addresses.Count == 0)
            {
                followUps.Add(new MdnsQuestion(srv.Target, DnsType.A));
                continue;
            }
            var address = source is not null && addresses.Contains(source) ? source : addresses[0];
            var ttl = new[] { srv.TTL, txt.TTL }.Min();
            if (srv.Port == 0 || ReadTxt(txt) is not { } properties || ToSighting(instance.Labels[0], properties, address, srv.Port, ttl) is not { } sighting)
            {
                rejected++;
                continue;
            }
            sightings.Add(sighting);
        }
        return new BrowseResult(sightings, goodbyes.ToList(), followUps, rejected);
    }

    private static bool IsMeshInstance(DomainName name) =>
        name.Labels.Count == MdnsNames.MeshService.Labels.Count + 1 && name.Parent() == MdnsNames.MeshService;

    private static Dictionary<string, string>? ReadTxt(TXTRecord txt)
    {
        if (txt.Strings.Sum(s => Encoding.UTF8.GetByteCount(s) + 1) > MdnsLimits.MaxTxtBytes)
            return null;
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in txt.Strings)
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0)
                continue;
            // RFC 6763 §6.4: only the first occurrence of a key counts.
            properties.TryAdd(entry[..equals], entry[(equals + 1)..]);
        }
        return properties;
    }

    private static ServiceSighting? ToSighting(string instance, Dictionary<string, string> txt, IPAddress address, int port, TimeSpan ttl)
    {
        var id = txt.GetValueOrDefault("id", "");
        var callsign = txt.GetValueOrDefault("callsign", "");
        var version = txt.GetValueOrDefault("version", "");
        var caps = txt.GetValueOrDefault("caps", "");
        var sig = txt.GetValueOrDefault("sig", "");
        var akka = txt.GetValueOrDefault("akka", "");

        if (!IsToken(id, 64) || version.Length > 64 || sig.Length > 128 || (sig.Length > 0 && sig[0] != '/'))
            return null;
        if (callsign.Length > 0 && !IsCallsign(callsign))
            return null;
        var capabilities = caps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (capabilities.Length > MaxCapabilities || capabilities.Any(c => !IsToken(c, 32)))
            return null;
        if (akka.Length > 0 && (akka.Length > 256 || !ActorPath.TryParseAddress(akka, out _)))
            return null;

        return new ServiceSighting(instance, id, callsign.Length > 0 ? callsign : null, version, capabilities,
            sig.Length > 0 ? sig : "/ws/signal", akka.Length > 0 ? akka : null, address, port, ttl);
    }

    private static bool IsToken(string value, int maxLength) =>
        value.Length is > 0 and var n && n <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A station's callsign by the node's one rule (Signaling's), never GUEST.</summary>
    public static bool IsCallsign(string value) => Callsign.Normalize(value) is { } callsign && callsign != Callsign.Guest;
}
