// The DNS-SD records a node publishes and the answers it gives to queries: pure functions over
// Makaretu's wire types. Records are built fresh for every message because Makaretu mutates what it sends.
using System.Net;
using Makaretu.Dns;

namespace Mesh.Actors.Discovery;

public static class MdnsNames
{
    public static readonly DomainName Local = new("local");
    public static readonly DomainName MeshService = new("_hamesh._tcp.local");
    public static readonly DomainName HttpService = new("_http._tcp.local");
    public static readonly DomainName ServiceEnumeration = new("_services._dns-sd._udp.local");

    /// <summary>Built from labels so that a dot in the instance name stays part of its one label.</summary>
    public static DomainName Instance(string instanceName, DomainName service) =>
        new([instanceName, .. service.Labels]);

    public static DomainName Host(string hostLabel) => new(hostLabel, "local");
}

public static class MdnsLimits
{
    /// <summary>Records with a longer TTL are ignored: RFC 6762 suggests 75 minutes at most, anything past a day is a lie.</summary>
    public static readonly TimeSpan MaxAcceptedTtl = TimeSpan.FromDays(1);

    /// <summary>RFC 6763 §6.2: a TXT record should stay under 1300 bytes; ours is far below.</summary>
    public const int MaxTxtBytes = 1300;
}

public static class MdnsRecords
{
    /// <summary>Every record this node answers for, with the given TTL (zero for a goodbye).</summary>
    public static List<ResourceRecord> For(LocalNode node, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        var host = MdnsNames.Host(node.HostLabel);
        var records = new List<ResourceRecord>();
        foreach (var service in new[] { MdnsNames.MeshService, MdnsNames.HttpService })
        {
            var instance = MdnsNames.Instance(node.InstanceName, service);
            records.Add(new PTRRecord { Name = MdnsNames.ServiceEnumeration, DomainName = service, TTL = ttl });
            records.Add(new PTRRecord { Name = service, DomainName = instance, TTL = ttl });
            records.Add(new SRVRecord { Name = instance, Target = host, Port = (ushort)node.HttpPort, TTL = ttl });
            var txt = new TXTRecord { Name = instance, TTL = ttl };
            if (service == MdnsNames.MeshService)
                txt.Strings.AddRange(node.TxtProperties.Select(p => $"{p.Key}={p.Value}"));
            else
                txt.Strings.Add("path=/");
            records.Add(txt);
        }
        records.AddRange(addresses.Select(a => AddressRecord.Create(host, a)).Select(a => { a.TTL = ttl; return (ResourceRecord)a; }));
        return records;
    }

    /// <summary>The unsolicited announcement (or, with TTL zero, the goodbye) of this node's services.</summary>
    public static Message Announcement(LocalNode node, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        var message = new Message { QR = true, AA = true };
        message.Answers.AddRange(For(node, addresses, ttl).Where(r => r.Name != MdnsNames.ServiceEnumeration));
        return message;
    }

    /// <summary>The response to a query, or null when no question is about us.</summary>
    public static Message? Answer(IEnumerable<MdnsQuestion> questions, LocalNode node, IReadOnlyList<IPAddress> addresses, TimeSpan ttl)
    {
        var records = For(node, addresses, ttl);
        var answers = new List<ResourceRecord>();
        foreach (var question in questions)
        {
            answers.AddRange(records.Where(r => r.Name == question.Name
                && (question.Type == DnsType.ANY || r.Type == question.Type)
                && !answers.Contains(r)));
        }
        if (answers.Count == 0)
            return null;

        // RFC 6763 §12: with a PTR answer go the instance's SRV and TXT and the host's addresses.
        var additional = new List<ResourceRecord>();
        void Add(ResourceRecord r)
        {
            if (!answers.Contains(r) && !additional.Contains(r))
                additional.Add(r);
        }
        foreach (var ptr in answers.OfType<PTRRecord>().Where(p => p.Name != MdnsNames.ServiceEnumeration))
            foreach (var r in records.Where(r => r.Name == ptr.DomainName))
                Add(r);
        foreach (var srv in answers.Concat(additional).OfType<SRVRecord>().ToList())
            foreach (var r in records.Where(r => r.Name == srv.Target && r is AddressRecord))
                Add(r);

        var response = new Message { QR = true, AA = true };
        response.Answers.AddRange(answers);
        response.AdditionalRecords.AddRange(additional);
        return response;
    }
}

/// <summary>One question of a received query, copied out of Makaretu's mutable message.</summary>
public sealed record MdnsQuestion(DomainName Name, DnsType Type);
