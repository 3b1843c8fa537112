// mDNS packets no honest responder sends: garbage, lies about counts, pointer loops, absurd TTLs, huge TXT.
using System.Net;
using Makaretu.Dns;
using Mesh.Actors.Discovery;

namespace Mesh.Node.Tests.Discovery;

internal static class HostilePackets
{
    public static IEnumerable<byte[]> All()
    {
        var random = new Random(5353);
        foreach (var length in new[] { 1, 11, 12, 100, 1400 })
        {
            var garbage = new byte[length];
            random.NextBytes(garbage);
            yield return garbage;
        }

        // A response header that claims 65535 answers and carries none.
        yield return [0, 0, 0x84, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];

        // A question whose name is a compression pointer to itself.
        yield return [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1];

        yield return Announcement("evil-ttl", ttl: TimeSpan.FromSeconds(uint.MaxValue)).ToByteArray();
        yield return Announcement("evil-txt", txt: Enumerable.Range(0, 30).Select(i => $"k{i}=" + new string('x', 250))).ToByteArray();
        yield return Announcement("evil-callsign", txt: ["callsign=<script>alert(1)</script>", "id=evil"]).ToByteArray();
        yield return Announcement("evil-port", port: 0).ToByteArray();

        var odd = Announcement("odd-types", txt: ["id=odd"], port: 0);
        odd.AdditionalRecords.Add(new NSEC3Record { Name = new DomainName("x.local"), NextHashedOwnerName = [1, 2, 3], Salt = [9] });
        odd.AdditionalRecords.Add(new UnknownRecord { Name = new DomainName("z.local"), Type = (DnsType)65280, Data = [7, 8] });
        yield return odd.ToByteArray();
    }

    /// <summary>A `_hamesh._tcp` announcement that would list 10.77.0.3 if it were believed.</summary>
    private static Message Announcement(string instance, TimeSpan? ttl = null, IEnumerable<string>? txt = null, ushort port = 8080)
    {
        var name = MdnsNames.Instance(instance, MdnsNames.MeshService);
        var host = new DomainName(instance, "local");
        var live = ttl ?? TimeSpan.FromSeconds(120);
        var message = new Message { QR = true, AA = true };
        message.Answers.Add(new PTRRecord { Name = MdnsNames.MeshService, DomainName = name, TTL = live });
        message.Answers.Add(new SRVRecord { Name = name, Target = host, Port = port, TTL = live });
        var record = new TXTRecord { Name = name, TTL = live };
        record.Strings.AddRange(txt ?? ["id=" + instance, "callsign=", "caps=signaling", "sig=/ws/signal", "version=1"]);
        message.Answers.Add(record);
        message.Answers.Add(new ARecord { Name = host, Address = IPAddress.Parse("10.77.0.3"), TTL = live });
        return message;
    }
}
