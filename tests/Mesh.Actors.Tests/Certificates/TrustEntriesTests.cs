using System.Security.Cryptography;
using System.Text;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

/// <summary>What a node checks in a trust entry from another node before it takes the fact in.</summary>
public sealed class TrustEntriesTests : IDisposable
{
    private readonly NodeKey _key = NodeKeys.Fresh();
    private readonly TestCertificate _root = TestPki.Root();

    private static string Rejection(SignedTrustEntry entry)
    {
        var check = TrustEntries.Open(entry);
        Assert.Null(check.Opened);
        return check.Rejection!;
    }

    [Fact]
    public void Each_kind_of_fact_opens_to_what_was_signed_and_names_its_origin()
    {
        var node = TestPki.Intermediate(_root, "K1OWN");
        var station = TestPki.Station(node, "W1ABC", "W1ABC");
        var at = DateTimeOffset.Parse("2026-11-26T12:00:00Z");
        TrustFact[] facts =
        [
            new AnchorFact(_root.Certificate.RawData, IsLotw: false),
            new CertificateFact(station.Certificate.RawData, [node.Certificate.RawData, _root.Certificate.RawData]),
            new BlacklistFact(station.Fingerprint, "key stolen", at),
        ];
        foreach (var fact in facts)
        {
            var opened = TrustEntries.Open(TrustEntries.Sign(fact, _key)).Opened;
            Assert.NotNull(opened);
            Assert.Equal(fact.Identity, opened.Fact.Identity);
            Assert.Equal(_key.PublicKeyFingerprint, opened.OriginFingerprint);
        }
        var blacklist = Assert.IsType<BlacklistFact>(TrustEntries.Open(TrustEntries.Sign(facts[2], _key)).Opened!.Fact);
        Assert.Equal(("key stolen", at), (blacklist.Reason, blacklist.At));
    }

    [Fact]
    public void A_payload_changed_after_signing_is_rejected()
    {
        var entry = TrustEntries.Sign(new BlacklistFact(new string('a', 64), "honest", DateTimeOffset.UtcNow), _key);
        Assert.Contains("signature", Rejection(entry with { Payload = entry.Payload.Replace("honest", "forged") }));
    }

    [Fact]
    public void An_entry_whose_origin_key_did_not_sign_it_is_rejected()
    {
        using var other = NodeKeys.Fresh();
        var entry = TrustEntries.Sign(new BlacklistFact(new string('b', 64), "reason", DateTimeOffset.UtcNow), _key);
        var claimedByOther = entry with { Origin = Convert.ToBase64String(other.Key.ExportSubjectPublicKeyInfo()) };
        Assert.Contains("signature", Rejection(claimedByOther));
    }

    [Fact]
    public void A_certificate_its_named_issuer_did_not_sign_is_rejected_though_the_node_signed_the_entry()
    {
        var impostor = TestPki.Root();
        var forged = TestPki.Station(impostor, "W9FAKE", "W9FAKE");
        var entry = TrustEntries.Sign(new CertificateFact(forged.Certificate.RawData, [_root.Certificate.RawData]), _key);
        Assert.NotNull(Rejection(entry));
    }

    [Fact]
    public void A_certificate_whose_chain_stops_short_of_a_self_signed_root_is_rejected()
    {
        var node = TestPki.Intermediate(_root, "K1OWN");
        var station = TestPki.Station(node, "W1ABC", "W1ABC");
        var entry = TrustEntries.Sign(new CertificateFact(station.Certificate.RawData, [node.Certificate.RawData]), _key);
        Assert.Contains("self-signed root", Rejection(entry));
    }

    [Fact]
    public void An_anchor_that_is_not_a_self_signed_CA_is_rejected()
    {
        var station = TestPki.Station(_root, "W1ABC", "W1ABC");
        Assert.Contains("self-signed CA", Rejection(TrustEntries.Sign(new AnchorFact(station.Certificate.RawData, false), _key)));
    }

    [Theory]
    [InlineData("not-a-fingerprint", "reason")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "reason")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", " ")]
    public void A_blacklisting_of_no_fingerprint_or_with_no_reason_is_rejected(string fingerprint, string reason)
    {
        Assert.NotNull(Rejection(TrustEntries.Sign(new BlacklistFact(fingerprint, reason, DateTimeOffset.UtcNow), _key)));
    }

    [Fact]
    public void A_reason_longer_than_1024_characters_is_rejected()
    {
        Assert.Contains("1024", Rejection(TrustEntries.Sign(new BlacklistFact(new string('c', 64), new string('x', 1025), DateTimeOffset.UtcNow), _key)));
    }

    [Fact]
    public void Malformed_and_oversized_entries_are_rejected_with_a_reason()
    {
        var origin = Convert.ToBase64String(_key.Key.ExportSubjectPublicKeyInfo());
        SignedTrustEntry Signed(string payload) => new(payload, origin,
            Convert.ToBase64String(_key.Key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));

        Assert.Contains("base64", Rejection(new SignedTrustEntry("{}", "%%%", "%%%")));
        Assert.Contains("ECDSA", Rejection(new SignedTrustEntry("{}", Convert.ToBase64String([1, 2, 3]), Convert.ToBase64String([4]))));
        Assert.Contains("larger", Rejection(new SignedTrustEntry(new string('x', TrustEntries.LargestPayload + 1), origin, "AA==")));
        Assert.Contains("oversized", Rejection(new SignedTrustEntry("{}", new string('A', 4096), "AA==")));
        Assert.Contains("lacks", Rejection(new SignedTrustEntry(null!, origin, "AA==")));
        Assert.Contains("JSON", Rejection(Signed("not json")));
        Assert.Contains("version", Rejection(Signed("""{"v":2,"kind":"anchor","root":"AA=="}""")));
        Assert.Contains("complete", Rejection(Signed("""{"v":1,"kind":"certificate"}""")));
        Assert.Contains("complete", Rejection(Signed("""{"v":1,"kind":"something-else"}""")));
        Assert.Contains("base64", Rejection(Signed("""{"v":1,"kind":"anchor","root":"***"}""")));
        Assert.Contains("DER", Rejection(Signed("""{"v":1,"kind":"anchor","root":"AAECAw=="}""")));
    }

    public void Dispose() => _key.Dispose();
}
