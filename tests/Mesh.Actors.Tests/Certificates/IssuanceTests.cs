using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class IssuanceTests
{
    private static readonly TestCertificate Root = TestPki.Root();
    private static readonly TestCertificate Node = TestPki.Intermediate(Root, "K1OWN", pathLength: 0);

    [Fact]
    public void A_CSR_naming_a_callsign_by_CN_parses()
    {
        var parsed = CertificateIssuance.ParseCsr(TestPki.CsrPem(ECDsa.Create(), TestPki.Subject(null, "k1abc")));
        Assert.Equal("K1ABC", parsed.Request!.Callsign.Value);
    }

    [Fact]
    public void A_CSR_whose_CN_and_AROcallsign_disagree_is_refused() =>
        Assert.Equal(CertificateError.CallsignMismatch,
            CertificateIssuance.ParseCsr(TestPki.CsrPem(ECDsa.Create(), TestPki.Subject("K1ABC", "W9XYZ"))).Error!.Code);

    [Theory]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    public void Malformed_CSRs_are_refused(string pem) =>
        Assert.Equal(CertificateError.InvalidCsr, CertificateIssuance.ParseCsr(pem).Error!.Code);

    [Fact]
    public void A_CSR_with_a_broken_self_signature_is_refused()
    {
        var pem = TestPki.CsrPem(ECDsa.Create(), TestPki.Subject(null, "K1ABC"));
        var der = PemEncoding.Find(pem) is var fields ? Convert.FromBase64String(pem[fields.Base64Data]) : [];
        der[^3] ^= 0x11;
        var broken = PemEncoding.WriteString("CERTIFICATE REQUEST", der);
        Assert.NotNull(CertificateIssuance.ParseCsr(broken).Error);
    }

    [Fact]
    public void A_CSR_with_an_RSA_1024_key_is_refused() =>
        Assert.Equal(CertificateError.WeakKey, CertificateIssuance.ParseCsr(TestPki.CsrPem(RSA.Create(1024), TestPki.Subject(null, "K1ABC"))).Error!.Code);

    [Fact]
    public void A_CSR_with_an_ECDSA_key_on_a_curve_we_do_not_accept_is_refused() =>
        Assert.Equal(CertificateError.WeakKey, CertificateIssuance.ParseCsr(
            TestPki.CsrPem(ECDsa.Create(ECCurve.CreateFromFriendlyName("secp224r1")), TestPki.Subject(null, "K1ABC"))).Error!.Code);

    [Fact]
    public void A_CSR_with_a_P384_key_parses() =>
        Assert.NotNull(CertificateIssuance.ParseCsr(TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP384), TestPki.Subject(null, "K1ABC"))).Request);

    [Fact]
    public void An_issued_certificate_follows_the_profile_and_validates_under_the_root()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CertificateIssuance.ParseCsr(TestPki.CsrPem(key, TestPki.Subject(null, "K1ABC"))).Request!;
        var issued = CertificateIssuance.IssueStation(request, "general", new Issuer(Node.WithKey(), (ECDsa)Node.Key), DateTimeOffset.UtcNow, TimeSpan.FromDays(3650));

        var facts = CertificateProfile.Read(issued).Facts!;
        Assert.Equal("K1ABC", facts.Callsign?.Value);
        Assert.Equal("general", facts.LicenseClass);
        Assert.False(facts.CanIssue);
        Assert.Contains("CN=K1ABC", issued.Subject);
        Assert.Contains(issued.SubjectName.EnumerateRelativeDistinguishedNames(), r => r.GetSingleElementType().Value == CertificateOids.AroCallsign);
        Assert.NotNull(issued.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());
        Assert.NotNull(issued.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().SingleOrDefault());
        Assert.True(issued.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature));
        Assert.True(issued.NotAfter <= Node.Certificate.NotAfter);

        var validator = new ChainValidator([TrustedRoot.Of(Root.Certificate)], ImmutableHashSet<string>.Empty);
        Assert.True(validator.Validate(issued, [Node.Certificate]).IsValid);
    }

    [Fact]
    public void A_node_certificate_without_a_subject_key_identifier_still_issues_certificates_that_validate()
    {
        var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeRequest = new CertificateRequest("CN=mesh-node", nodeKey, HashAlgorithmName.SHA256);
        nodeRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        nodeRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        var node = nodeRequest.Create(Root.Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), CertificateIssuance.NewSerialNumber());
        Assert.Empty(node.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        var request = CertificateIssuance.ParseCsr(TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256), TestPki.Subject(null, "K1ABC"))).Request!;

        var issued = CertificateIssuance.IssueStation(request, null, new Issuer(node, nodeKey), DateTimeOffset.UtcNow, TimeSpan.FromDays(30));

        var authorityKey = issued.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(new X509SubjectKeyIdentifierExtension(node.PublicKey, false).SubjectKeyIdentifierBytes.ToArray(), authorityKey.KeyIdentifier!.Value.ToArray());
        var validator = new ChainValidator([TrustedRoot.Of(Root.Certificate)], ImmutableHashSet<string>.Empty);
        Assert.True(validator.Validate(issued, [node]).IsValid);
    }

    [Fact]
    public void Serial_numbers_are_positive_and_differ()
    {
        var a = CertificateIssuance.NewSerialNumber();
        var b = CertificateIssuance.NewSerialNumber();
        Assert.Equal(0, a[0] & 0x80);
        Assert.NotEqual(a, b);
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-certs-").FullName;

    [Fact]
    public void The_node_key_is_made_once_with_owner_only_permissions_and_kept()
    {
        using var first = NodeKey.LoadOrCreate(_directory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Path));
        Assert.Equal(256, first.Key.KeySize);
        using var second = NodeKey.LoadOrCreate(_directory);
        Assert.Equal(first.PublicKeyFingerprint, second.PublicKeyFingerprint);
    }

    [Fact]
    public void A_node_key_file_left_readable_by_others_is_tightened()
    {
        using (NodeKey.LoadOrCreate(_directory))
        {
        }
        var path = Path.Combine(_directory, NodeKey.FileName);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        using var key = NodeKey.LoadOrCreate(_directory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void The_node_CSR_carries_the_node_key_and_asks_to_be_a_CA()
    {
        using var key = NodeKey.LoadOrCreate(_directory);
        var request = CertificateRequest.LoadSigningRequestPem(key.CreateSigningRequestPem(), HashAlgorithmName.SHA256,
            CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal(key.Key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(request.CertificateExtensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
