using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class CertificateFilesTests
{
    private static readonly TestCertificate Root = TestPki.Root();

    [Fact]
    public void Every_certificate_of_a_PEM_text_is_read_in_order()
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC");
        var loaded = CertificateFiles.ParsePem(station.Pem + "\n" + Root.Pem);
        Assert.Equal([station.Fingerprint, Root.Fingerprint], loaded.Certificates!.Select(CertificateProfile.Fingerprint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    public void Malformed_PEM_is_refused_with_a_reason(string pem)
    {
        var loaded = CertificateFiles.ParsePem(pem);
        Assert.Null(loaded.Certificates);
        Assert.Equal(CertificateError.InvalidCertificate, loaded.Error!.Code);
    }

    [Fact]
    public void A_PEM_text_cut_off_in_its_second_block_is_refused()
    {
        var pem = Root.Pem + Root.Pem[..40];
        Assert.NotNull(CertificateFiles.ParsePem(pem).Error);
    }

    [Fact]
    public void DER_bytes_load_as_one_certificate()
    {
        var loaded = CertificateFiles.Load(Root.Certificate.RawData);
        Assert.Equal(Root.Fingerprint, CertificateProfile.Fingerprint(loaded.Certificates!.Single()));
    }

    [Fact]
    public void A_PKCS12_file_with_an_empty_password_gives_the_key_holder_and_its_chain()
    {
        var (root, ca, user) = TestPki.Lotw("K1ABC", "John Doe");
        var collection = new X509Certificate2Collection { user.WithKey(), ca.Certificate, root.Certificate };
        var pfx = collection.Export(X509ContentType.Pkcs12, "")!;
        var (credentials, error) = CertificateFiles.LoadPkcs12(pfx, null);
        Assert.Null(error);
        Assert.True(credentials!.Certificate.HasPrivateKey);
        Assert.Equal(user.Fingerprint, CertificateProfile.Fingerprint(credentials.Certificate));
        Assert.Equal([ca.Fingerprint, root.Fingerprint], credentials.Chain.Select(CertificateProfile.Fingerprint));
    }

    [Fact]
    public void A_PKCS12_file_with_a_wrong_password_is_refused()
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC");
        var pfx = station.WithKey().Export(X509ContentType.Pkcs12, "secret");
        Assert.Equal(CertificateError.InvalidCertificate, CertificateFiles.LoadPkcs12(pfx, "wrong").Error!.Code);
    }

    [Fact]
    public void A_tq6_file_gives_its_roots_and_CA_certificates()
    {
        var (root, ca, _) = TestPki.Lotw("K1ABC", "John Doe");
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <tqsldata>
             <tqslcerts>
              <rootcert>{Convert.ToBase64String(root.Certificate.RawData, Base64FormattingOptions.InsertLineBreaks)}</rootcert>
              <cacert>{ca.Pem}</cacert>
             </tqslcerts>
            </tqsldata>
            """;
        var (bundle, error) = CertificateFiles.ReadTq6(Gzip(xml));
        Assert.Null(error);
        Assert.Equal(root.Fingerprint, CertificateProfile.Fingerprint(bundle!.Roots.Single()));
        Assert.Equal(ca.Fingerprint, CertificateProfile.Fingerprint(bundle.Intermediates.Single()));
    }

    [Fact]
    public void A_file_that_is_not_gzipped_XML_is_not_a_tq6()
    {
        var (bundle, error) = CertificateFiles.ReadTq6(new MemoryStream(Encoding.ASCII.GetBytes("<tqsldata/>")));
        Assert.Null(bundle);
        Assert.Equal(CertificateError.InvalidCertificate, error!.Code);
    }

    [Fact]
    public void A_tq6_without_roots_is_refused() =>
        Assert.NotNull(CertificateFiles.ReadTq6(Gzip("<tqsldata><tqslcerts/></tqsldata>")).Error);

    private static MemoryStream Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        output.Position = 0;
        return output;
    }
}
