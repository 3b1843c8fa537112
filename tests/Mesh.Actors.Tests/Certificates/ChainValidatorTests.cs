using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class ChainValidatorTests
{
    private static readonly TestCertificate Root = TestPki.Root();
    private static readonly TestCertificate Owner = TestPki.Intermediate(Root, "K1OWN");
    private static readonly TestCertificate Station = TestPki.Station(Owner, "K1ABC", "K1ABC");

    private static ChainValidator Trusting(params TestCertificate[] roots) =>
        new(roots.Select(r => TrustedRoot.Of(r.Certificate)), ImmutableHashSet<string>.Empty);

    [Fact]
    public void A_chain_up_to_a_trusted_root_validates_and_names_the_callsign()
    {
        var result = Trusting(Root).Validate(Station.Certificate, [Owner.Certificate]);
        Assert.True(result.IsValid, result.Error?.Details);
        Assert.Equal("K1ABC", result.Chain!.Leaf.Callsign?.Value);
        Assert.Equal([Station.Fingerprint, Owner.Fingerprint, Root.Fingerprint], result.Chain.Path.Select(CertificateProfile.Fingerprint));
    }

    [Fact]
    public void The_root_may_be_given_at_the_end_of_the_chain() =>
        Assert.True(Trusting(Root).Validate(Station.Certificate, [Owner.Certificate, Root.Certificate]).IsValid);

    [Fact]
    public void A_chain_to_a_root_not_trusted_here_is_refused()
    {
        var result = Trusting(TestPki.Root("Other")).Validate(Station.Certificate, [Owner.Certificate, Root.Certificate]);
        Assert.Equal(CertificateError.UntrustedRoot, result.Error!.Code);
    }

    [Fact]
    public void The_operating_system_store_is_never_consulted() =>
        Assert.Equal(CertificateError.UntrustedRoot, ChainValidator.Empty.Validate(Station.Certificate, [Owner.Certificate]).Error!.Code);

    [Fact]
    public void A_chain_in_the_wrong_order_is_refused()
    {
        var deeper = TestPki.Intermediate(Owner, "K2SUB");
        var leaf = TestPki.Station(deeper, "K1ABC", "K1ABC");
        var result = Trusting(Root).Validate(leaf.Certificate, [Owner.Certificate, deeper.Certificate]);
        Assert.Equal(CertificateError.InvalidChain, result.Error!.Code);
    }

    [Fact]
    public void A_chain_missing_a_middle_member_is_refused()
    {
        var deeper = TestPki.Intermediate(Owner, "K2SUB");
        var leaf = TestPki.Station(deeper, "K1ABC", "K1ABC");
        Assert.False(Trusting(Root).Validate(leaf.Certificate, []).IsValid);
    }

    [Fact]
    public void A_chain_ten_deep_validates_and_eleven_deep_is_refused()
    {
        // Depth counts every certificate of the path: leaf, intermediates, root.
        var ladder = TestPki.Ladder(Root, 8);
        var ten = TestPki.Station(ladder[^1], "K1ABC", "K1ABC");
        var tenChain = ladder.AsEnumerable().Reverse().Select(c => c.Certificate).ToList();
        var tenDeep = Trusting(Root).Validate(ten.Certificate, tenChain);
        Assert.True(tenDeep.IsValid, tenDeep.Error?.Details);
        Assert.Equal(10, tenDeep.Chain!.Path.Count);

        var longer = TestPki.Ladder(Root, 9);
        var eleven = TestPki.Station(longer[^1], "K1ABC", "K1ABC");
        var result = Trusting(Root).Validate(eleven.Certificate, longer.AsEnumerable().Reverse().Select(c => c.Certificate).ToList());
        Assert.Equal(CertificateError.InvalidChain, result.Error!.Code);
        Assert.Contains("11", result.Error.Details);
    }

    [Fact]
    public void A_certificate_with_a_bad_signature_is_refused()
    {
        var der = Station.Certificate.RawData.ToArray();
        der[^5] ^= 0x5a;
        var tampered = X509CertificateLoader.LoadCertificate(der);
        var result = Trusting(Root).Validate(tampered, [Owner.Certificate]);
        Assert.Equal(CertificateError.InvalidChain, result.Error!.Code);
        Assert.Contains("signature", result.Error.Details);
    }

    [Fact]
    public void A_certificate_signed_by_an_impostor_with_the_owners_name_is_refused()
    {
        var impostor = TestPki.Intermediate(TestPki.Root(), "K1OWN");
        var forged = TestPki.Station(impostor, "K1ABC", "K1ABC");
        Assert.False(Trusting(Root).Validate(forged.Certificate, [Owner.Certificate]).IsValid);
    }

    [Fact]
    public void A_blacklisted_intermediate_fails_every_chain_through_it()
    {
        var validator = Trusting(Root);
        Assert.True(validator.Validate(Station.Certificate, [Owner.Certificate]).IsValid);
        var after = validator.WithBlacklist(ImmutableHashSet.Create(Owner.Fingerprint));
        var result = after.Validate(Station.Certificate, [Owner.Certificate]);
        Assert.Equal(CertificateError.Blacklisted, result.Error!.Code);
    }

    [Fact]
    public void A_blacklisted_root_fails_chains_that_leave_it_out()
    {
        var validator = Trusting(Root).WithBlacklist(ImmutableHashSet.Create(Root.Fingerprint));
        Assert.Equal(CertificateError.Blacklisted, validator.Validate(Station.Certificate, [Owner.Certificate]).Error!.Code);
    }

    [Fact]
    public void A_certificate_issued_by_a_station_that_may_not_issue_is_refused()
    {
        var below = TestPki.Station(Station, "K9BAD", "K9BAD");
        Assert.False(Trusting(Root).Validate(below.Certificate, [Station.Certificate, Owner.Certificate]).IsValid);
    }

    [Fact]
    public void A_CN_naming_another_callsign_than_the_AROcallsign_fails_validation()
    {
        var mixed = TestPki.Station(Owner, "K1ABC", "W9XYZ");
        Assert.Equal(CertificateError.CallsignMismatch, Trusting(Root).Validate(mixed.Certificate, [Owner.Certificate]).Error!.Code);
    }

    [Fact]
    public void A_LoTW_user_with_an_RSA_1024_key_validates_under_a_LoTW_root()
    {
        var (root, ca, user) = TestPki.Lotw("K1ABC", "John Doe");
        var result = Trusting(root).Validate(user.Certificate, [ca.Certificate]);
        Assert.True(result.IsValid, result.Error?.Details);
        Assert.True(result.Chain!.Root.IsLotw);
        Assert.Equal("K1ABC", result.Chain.Leaf.Callsign?.Value);
    }

    [Fact]
    public void An_RSA_1024_key_is_refused_under_a_root_that_is_not_LoTW()
    {
        var station = TestPki.Station(Owner, "K1ABC", "K1ABC", RSA.Create(1024));
        Assert.Equal(CertificateError.WeakKey, Trusting(Root).Validate(station.Certificate, [Owner.Certificate]).Error!.Code);
    }

    [Fact]
    public void Results_are_cached_until_the_blacklist_changes()
    {
        var validator = Trusting(Root);
        var first = validator.Validate(Station.Certificate, [Owner.Certificate]);
        Assert.Same(first, validator.Validate(Station.Certificate, [Owner.Certificate]));
        var changed = validator.WithBlacklist(ImmutableHashSet.Create(Station.Fingerprint));
        Assert.False(changed.Validate(Station.Certificate, [Owner.Certificate]).IsValid);
    }
}
