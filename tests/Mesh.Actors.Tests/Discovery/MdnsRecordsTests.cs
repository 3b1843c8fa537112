using Makaretu.Dns;
using Mesh.Actors.Discovery;
using Xunit;
using static Mesh.Actors.Tests.Discovery.MdnsWire;

namespace Mesh.Actors.Tests.Discovery;

public sealed class MdnsRecordsTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(120);

    [Fact]
    public void An_unclaimed_node_is_named_after_its_short_id()
    {
        var announcement = MdnsRecords.Announcement(Station(), [NodeAddress], Ttl);

        var ptr = announcement.Answers.OfType<PTRRecord>().Single(p => p.Name == MdnsNames.MeshService);
        Assert.Equal("unclaimed-01234567", ptr.DomainName.Labels[0]);
    }

    [Fact]
    public void A_claimed_node_is_named_after_its_owner_and_says_so_in_TXT()
    {
        var announcement = RoundTrip(MdnsRecords.Announcement(Station("W1AW"), [NodeAddress], Ttl));

        var txt = announcement.Answers.OfType<TXTRecord>().Single(t => t.Name == MdnsNames.Instance("W1AW", MdnsNames.MeshService));
        Assert.Contains("callsign=W1AW", txt.Strings);
    }

    [Fact]
    public void The_mesh_TXT_record_carries_every_key_of_the_protocol()
    {
        var txt = MdnsRecords.Announcement(Station(), [NodeAddress], Ttl).Answers.OfType<TXTRecord>()
            .Single(t => t.Name.IsSubdomainOf(MdnsNames.MeshService));

        Assert.Equal(["callsign", "version", "caps", "sig", "akka", "id"], txt.Strings.Select(s => s[..s.IndexOf('=')]));
        Assert.Contains("caps=signaling,webrtc,mesh", txt.Strings);
        Assert.Contains("akka=akka.tcp://mesh@10.77.0.2:4053", txt.Strings);
    }

    [Fact]
    public void Both_the_mesh_and_the_http_service_are_announced()
    {
        var announcement = MdnsRecords.Announcement(Station(), [NodeAddress], Ttl);

        var services = announcement.Answers.OfType<PTRRecord>().Select(p => p.Name).ToHashSet();
        Assert.True(services.SetEquals([MdnsNames.MeshService, MdnsNames.HttpService]));
    }

    [Fact]
    public void A_goodbye_has_every_record_at_TTL_zero()
    {
        var goodbye = MdnsRecords.Announcement(Station(), [NodeAddress], TimeSpan.Zero);

        Assert.All(goodbye.Answers, r => Assert.Equal(TimeSpan.Zero, r.TTL));
    }

    [Fact]
    public void A_PTR_query_for_the_mesh_service_is_answered_with_SRV_TXT_and_address_as_additional_records()
    {
        var answer = MdnsRecords.Answer([new MdnsQuestion(MdnsNames.MeshService, DnsType.PTR)], Station(), [NodeAddress], Ttl);

        Assert.NotNull(answer);
        Assert.IsType<PTRRecord>(Assert.Single(answer.Answers));
        Assert.Contains(answer.AdditionalRecords, r => r is SRVRecord { Port: 8080 });
        Assert.Contains(answer.AdditionalRecords, r => r is TXTRecord);
        Assert.Contains(answer.AdditionalRecords, r => r is ARecord a && a.Address.Equals(NodeAddress));
    }

    [Fact]
    public void A_query_about_another_service_gets_no_answer()
    {
        var answer = MdnsRecords.Answer([new MdnsQuestion(new DomainName("_ipp._tcp.local"), DnsType.PTR)], Station(), [NodeAddress], Ttl);

        Assert.Null(answer);
    }

    [Fact]
    public void An_instance_name_with_a_dot_stays_one_label()
    {
        var name = MdnsNames.Instance("W1AW.portable", MdnsNames.MeshService);

        Assert.Equal("W1AW.portable", name.Labels[0]);
        Assert.Equal(MdnsNames.MeshService, name.Parent());
    }
}
