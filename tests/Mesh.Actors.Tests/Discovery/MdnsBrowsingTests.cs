using System.Net;
using Makaretu.Dns;
using Mesh.Actors.Discovery;
using Xunit;
using static Mesh.Actors.Tests.Discovery.MdnsWire;

namespace Mesh.Actors.Tests.Discovery;

public sealed class MdnsBrowsingTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(120);

    private static BrowseResult Browse(Message message) => MdnsBrowsing.Read(RoundTrip(message), NodeAddress);

    private static Message AnnouncementWith(Action<TXTRecord> editTxt, TimeSpan? ttl = null)
    {
        var message = MdnsRecords.Announcement(Station(), [NodeAddress], ttl ?? Ttl);
        var txt = message.Answers.OfType<TXTRecord>().Single(t => t.Name.IsSubdomainOf(MdnsNames.MeshService));
        editTxt(txt);
        return message;
    }

    [Fact]
    public void An_announcement_becomes_a_sighting_with_the_TXT_keys()
    {
        var sighting = Assert.Single(Browse(MdnsRecords.Announcement(Station("W1AW"), [NodeAddress], Ttl)).Sightings);

        Assert.Equal("W1AW", sighting.Callsign);
        Assert.Equal("0123456789abcdef", sighting.NodeId);
        Assert.Equal("http://10.77.0.2:8080", sighting.Endpoint);
        Assert.Equal("akka.tcp://mesh@10.77.0.2:4053", sighting.AkkaAddress);
        Assert.Equal(["signaling", "webrtc", "mesh"], sighting.Capabilities);
        Assert.Equal(Ttl, sighting.Ttl);
    }

    [Fact]
    public void A_goodbye_names_the_instance_and_sights_nothing()
    {
        var result = Browse(MdnsRecords.Announcement(Station(), [NodeAddress], TimeSpan.Zero));

        Assert.Empty(result.Sightings);
        Assert.Equal(["unclaimed-01234567"], result.Goodbyes);
    }

    [Fact]
    public void A_PTR_without_SRV_and_TXT_asks_for_the_instance()
    {
        var message = new Message { QR = true };
        message.Answers.Add(new PTRRecord { Name = MdnsNames.MeshService, DomainName = MdnsNames.Instance("K1ABC", MdnsNames.MeshService), TTL = Ttl });

        var result = Browse(message);

        Assert.Empty(result.Sightings);
        Assert.Equal(MdnsNames.Instance("K1ABC", MdnsNames.MeshService), Assert.Single(result.FollowUps).Name);
    }

    [Fact]
    public void Records_with_an_absurd_TTL_are_ignored()
    {
        var result = Browse(MdnsRecords.Announcement(Station(), [NodeAddress], TimeSpan.FromSeconds(uint.MaxValue)));

        Assert.Empty(result.Sightings);
        Assert.True(result.Rejected > 0);
    }

    [Fact]
    public void A_huge_TXT_record_is_ignored()
    {
        var result = Browse(AnnouncementWith(txt => txt.Strings.AddRange(Enumerable.Range(0, 20).Select(i => $"pad{i}=" + new string('x', 200)))));

        Assert.Empty(result.Sightings);
        Assert.Equal(1, result.Rejected);
    }

    [Theory]
    [InlineData("callsign=<script>")]
    [InlineData("id=../../etc")]
    [InlineData("akka=not an address")]
    [InlineData("sig=ws://elsewhere")]
    public void A_TXT_value_out_of_shape_spoils_the_sighting(string replacement)
    {
        var key = replacement[..replacement.IndexOf('=')];
        var result = Browse(AnnouncementWith(txt =>
        {
            txt.Strings.RemoveAll(s => s.StartsWith(key + "=", StringComparison.Ordinal));
            txt.Strings.Insert(0, replacement);
        }));

        Assert.Empty(result.Sightings);
    }

    [Fact]
    public void The_address_the_packet_came_from_is_preferred_when_it_is_announced()
    {
        var message = MdnsRecords.Announcement(Station(), [IPAddress.Parse("192.0.2.9"), NodeAddress], Ttl);

        var sighting = Assert.Single(MdnsBrowsing.Read(RoundTrip(message), NodeAddress).Sightings);

        Assert.Equal(NodeAddress, sighting.Address);
    }

    [Fact]
    public void Records_of_other_services_are_not_sightings()
    {
        var message = new Message { QR = true };
        message.Answers.Add(new PTRRecord { Name = new DomainName("_ipp._tcp.local"), DomainName = new DomainName("printer._ipp._tcp.local"), TTL = Ttl });
        message.Answers.Add(new SRVRecord { Name = new DomainName("printer._ipp._tcp.local"), Target = new DomainName("printer.local"), Port = 631, TTL = Ttl });

        Assert.True(Browse(message).IsEmpty);
    }

    [Fact]
    public void Record_types_whose_text_form_Makaretu_cannot_print_still_read_from_the_wire()
    {
        // SimpleBase 3 broke Makaretu.Dns's presentation (text) code for these; the wire path must not touch it.
        var message = MdnsRecords.Announcement(Station(), [NodeAddress], Ttl);
        message.AdditionalRecords.Add(new NSEC3Record { Name = new DomainName("x.local"), NextHashedOwnerName = [1, 2, 3], Salt = [9], TTL = Ttl });
        message.AdditionalRecords.Add(new DSRecord { Name = new DomainName("y.local"), Digest = [4, 5, 6], TTL = Ttl });
        message.AdditionalRecords.Add(new UnknownRecord { Name = new DomainName("z.local"), Type = (DnsType)65280, Data = [7, 8], TTL = Ttl });

        Assert.Single(Browse(message).Sightings);
    }
}
