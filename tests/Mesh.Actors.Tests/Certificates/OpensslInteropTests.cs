using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Actors.Certificates;
using Mesh.Actors.Signaling;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

/// <summary>openssl makes the roots, the operators' keys and CSRs; the node claims, delegates and issues; openssl checks the result.</summary>
public sealed class OpensslInteropTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-openssl-").FullName;
    private readonly Openssl _openssl;

    public OpensslInteropTests()
    {
        _openssl = new Openssl(Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName);
        Directory.CreateDirectory(Path.Combine(_directory, "certs", "roots"));
    }

    private static T Ask<T>(AuthorityHost host, object message) => host.Ask<T>(message).GetAwaiter().GetResult();

    private void TrustRoot(string name) =>
        File.Copy(_openssl.PathOf($"{name}.pem"), Path.Combine(_directory, "certs", "roots", $"{name}.pem"));

    /// <summary>The owner under a trusted openssl root, claimed, its node certificate installed: a node that can issue.</summary>
    private async Task<AuthorityHost> StartIssuingNodeAsync()
    {
        var pki = new OwnerPki(_openssl, "/CN=Interop Root");
        TrustRoot("root");
        var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var challenge = Ask<ClaimChallengeIssued>(host, GetClaimChallenge.Instance);
        Assert.IsType<ClaimAccepted>(await host.Ask<ICertificateAuthorityReply>(
            new ClaimStation(pki.OwnerPem, [], OwnerPki.Owner, null, challenge.Nonce, pki.SignNonce(challenge.Nonce))));
        var node = pki.SignNodeCsr(Ask<NodeCsr>(host, GetNodeCsr.Instance).CsrPem);
        Assert.IsType<NodeCertificateAccepted>(await host.Ask<ICertificateAuthorityReply>(new InstallNodeCertificate(node, [pki.OwnerPem])));
        return host;
    }

    [Fact]
    public async Task What_the_node_issues_under_an_openssl_root_passes_openssl_verify()
    {
        await using var host = await StartIssuingNodeAsync();
        Assert.Contains("verify OK", _openssl.Must("req", "-in", "node.csr", "-noout", "-verify"));

        _openssl.KeyAndCsr("station", "/CN=K1ABC");
        var reply = await host.Ask<ICertificateAuthorityReply>(new IssueCertificate(_openssl.Read("station.csr"), new ProofOfLicense("K1ABC", "extra", "ULS 1234")));
        var issued = Assert.IsType<CertificateIssuedReply>(reply);
        _openssl.Write("leaf.pem", issued.CertificatePem);
        _openssl.Write("chain.pem", string.Join('\n', issued.ChainPems));

        var verify = _openssl.Run("verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("leaf.pem: OK", verify.Output);

        var text = _openssl.Must("x509", "-in", "leaf.pem", "-noout", "-text", "-nameopt", "oid");
        Assert.Contains("1.3.6.1.4.1.12348.1.1=K1ABC", text.Replace(" ", ""));
        Assert.Contains("2.5.4.3=K1ABC", text.Replace(" ", ""));
        Assert.Contains("CA:FALSE", text);
        Assert.Contains("Digital Signature", text);
        Assert.Contains(CertificateOids.LicenseClass, text);
        Assert.Contains("X509v3 Authority Key Identifier", text);
        Assert.Contains("X509v3 Subject Key Identifier", text);
        Assert.Equal(_openssl.Must("pkey", "-in", "station.key", "-pubout"), _openssl.Must("x509", "-in", "leaf.pem", "-noout", "-pubkey"));
    }

    [Fact]
    public async Task A_LoTW_operator_with_a_TQSL_style_p12_registers_as_licensed_under_a_root_imported_from_a_tq6()
    {
        _openssl.SelfSignedCa("lotwroot", "/O=American Radio Relay League/CN=Logbook of the World Root CA", "rsa2048");
        _openssl.KeyAndCsr("lotwca", "/O=American Radio Relay League/CN=Logbook of the World Production CA", "rsa2048");
        _openssl.Sign("lotwca", "lotwroot", "lotwca", "basicConstraints=critical,CA:TRUE\n");
        _openssl.KeyAndCsr("user", "/AROcallsign=K1ABC/CN=John Doe", "rsa1024");
        // TQSL writes its extensions as raw ASCII inside the OCTET STRING; DER: gives openssl those bytes as they are.
        _openssl.Sign("user", "lotwca", "user",
            $"1.3.6.1.4.1.12348.1.2=DER:{Convert.ToHexString(Encoding.ASCII.GetBytes("1990-01-01"))}\n"
            + $"1.3.6.1.4.1.12348.1.4=DER:{Convert.ToHexString(Encoding.ASCII.GetBytes("291"))}\n");
        _openssl.Must("pkcs12", "-export", "-in", "user.pem", "-inkey", "user.key", "-certfile", "lotwca.pem", "-out", "user.p12",
            "-passout", "pass:", "-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1");

        var root = X509CertificateLoader.LoadCertificate(PemEncoding.Find(_openssl.Read("lotwroot.pem")) is var fields
            ? Convert.FromBase64String(_openssl.Read("lotwroot.pem")[fields.Base64Data]) : []);
        WriteTq6(Path.Combine(_directory, "certs", "roots", "lotw.tq6"), root);

        var (credentials, error) = CertificateFiles.LoadPkcs12(File.ReadAllBytes(_openssl.PathOf("user.p12")), null);
        Assert.Null(error);
        var facts = CertificateProfile.Read(credentials!.Certificate).Facts!;
        Assert.Equal("K1ABC", facts.Callsign?.Value);
        Assert.Equal("1990-01-01", facts.Lotw.QsoFirstDate);
        Assert.Equal("291", facts.Lotw.DxccEntity);

        using var key = credentials.Certificate.GetRSAPrivateKey()!;
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes("hello-nonce"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var pem = string.Join('\n', new[] { credentials.Certificate }.Concat(credentials.Chain).Select(c => c.ExportCertificatePem()));

        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var verified = await host.Ask<object>(new License.Verify("K1ABC", pem, signature, "hello-nonce"));
        Assert.Equal("K1ABC", Assert.IsType<License.Verified>(verified).Callsign);
        var summaries = Ask<CertificateList>(host, ListCertificates.Instance).Certificates;
        Assert.Contains(summaries, s => s.Fingerprint == CertificateProfile.Fingerprint(root) && s.TrustLevel == TrustLevel.Root);
    }

    [Fact]
    public async Task An_RSA_1024_operator_under_a_root_that_is_not_LoTW_is_refused()
    {
        _openssl.SelfSignedCa("root", "/CN=Club Root", "rsa2048");
        TrustRoot("root");
        _openssl.KeyAndCsr("user", "/AROcallsign=K1ABC/CN=K1ABC", "rsa1024");
        _openssl.Sign("user", "root", "user", "basicConstraints=critical,CA:FALSE\n");

        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var reply = await host.Ask<ICertificateAuthorityReply>(new VerifyStation(_openssl.Read("user.pem"), [], "n", _openssl.SignNonce("user", "n")));
        Assert.Equal(CertificateError.WeakKey, Assert.IsType<CertificateRefused>(reply).Error.Code);
    }

    [Fact]
    public async Task A_CSR_made_by_openssl_for_another_callsign_than_the_proof_is_refused_and_nothing_is_stored()
    {
        await using var host = await StartIssuingNodeAsync();
        var before = Ask<CertificateList>(host, ListCertificates.Instance).Certificates.Count;

        _openssl.KeyAndCsr("other", "/AROcallsign=W9XYZ/CN=W9XYZ");
        var reply = await host.Ask<ICertificateAuthorityReply>(new IssueCertificate(_openssl.Read("other.csr"), new ProofOfLicense("K1ABC", null, null)));
        Assert.Equal(CertificateError.CallsignMismatch, Assert.IsType<CertificateRefused>(reply).Error.Code);

        _openssl.KeyAndCsr("mixed", "/AROcallsign=K1ABC/CN=W9XYZ");
        reply = await host.Ask<ICertificateAuthorityReply>(new IssueCertificate(_openssl.Read("mixed.csr"), new ProofOfLicense("K1ABC", null, null)));
        Assert.Equal(CertificateError.CallsignMismatch, Assert.IsType<CertificateRefused>(reply).Error.Code);
        Assert.Equal(before, Ask<CertificateList>(host, ListCertificates.Instance).Certificates.Count);
    }

    private static void WriteTq6(string path, X509Certificate2 root)
    {
        var xml = $"<?xml version=\"1.0\"?>\n<tqsldata>\n<tqslcerts>\n<rootcert>\n{Convert.ToBase64String(root.RawData, Base64FormattingOptions.InsertLineBreaks)}\n</rootcert>\n</tqslcerts>\n</tqsldata>\n";
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(xml));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
