using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class ProfileTests
{
    private static readonly TestCertificate Root = TestPki.Root();

    [Theory]
    [InlineData("K1ABC")]
    [InlineData("w1aw")]
    [InlineData("2E0XYZ")]
    [InlineData("DL/K1ABC")]
    [InlineData("VE3ABC/P")]
    public void Callsigns_of_the_usual_shapes_parse_in_upper_case(string text)
    {
        Assert.True(Callsign.TryParse(text, out var callsign));
        Assert.Equal(text.ToUpperInvariant(), callsign.Value);
    }

    [Theory]
    [InlineData("John Doe")]
    [InlineData("ABCDEF")]
    [InlineData("12345")]
    [InlineData("")]
    [InlineData("K1ABC; DROP")]
    public void Names_and_junk_are_not_callsigns(string text) => Assert.False(Callsign.TryParse(text, out _));

    [Fact]
    public void The_callsign_is_the_AROcallsign_attribute_when_the_CN_is_a_name()
    {
        var (_, _, user) = TestPki.Lotw("K1ABC", "John Doe");
        var facts = CertificateProfile.Read(user.Certificate).Facts!;
        Assert.Equal("K1ABC", facts.Callsign?.Value);
    }

    [Fact]
    public void The_callsign_is_the_CN_when_there_is_no_AROcallsign_attribute()
    {
        var station = TestPki.Station(Root, null, "N0CALL");
        Assert.Equal("N0CALL", CertificateProfile.Read(station.Certificate).Facts!.Callsign?.Value);
    }

    [Fact]
    public void A_CN_naming_another_callsign_than_the_AROcallsign_is_refused()
    {
        var station = TestPki.Station(Root, "K1ABC", "W9XYZ");
        var reading = CertificateProfile.Read(station.Certificate);
        Assert.Equal(CertificateError.CallsignMismatch, reading.Error?.Code);
    }

    [Fact]
    public void A_certificate_naming_no_callsign_has_none()
    {
        var station = TestPki.Station(Root, null, "John Doe");
        var facts = CertificateProfile.Read(station.Certificate).Facts!;
        Assert.Null(facts.Callsign);
    }

    [Fact]
    public void LoTW_extensions_written_as_raw_ASCII_are_read()
    {
        var (_, _, user) = TestPki.Lotw("K1ABC", "John Doe");
        var lotw = CertificateProfile.Read(user.Certificate).Facts!.Lotw;
        Assert.Equal("1990-01-01", lotw.QsoFirstDate);
        Assert.Equal("2035-12-31", lotw.QsoLastDate);
        Assert.Equal("291", lotw.DxccEntity);
    }

    [Fact]
    public void LoTW_extensions_written_as_DER_are_read_too()
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC", extensions:
        [
            new X509Extension(CertificateOids.LotwQsoFirstDate, CertificateProfile.EncodeText("2001-02-03"), false),
            new X509Extension(CertificateOids.LotwDxccEntity, [0x02, 0x02, 0x01, 0x23], false),
        ]);
        var lotw = CertificateProfile.Read(station.Certificate).Facts!.Lotw;
        Assert.Equal("2001-02-03", lotw.QsoFirstDate);
        Assert.Equal("291", lotw.DxccEntity);
    }

    [Fact]
    public void Binary_junk_in_a_text_extension_reads_as_nothing() =>
        Assert.Null(CertificateProfile.DecodeText(new byte[] { 0x01, 0xff, 0x00 }));

    [Fact]
    public void The_license_class_is_read_from_our_extension()
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC", extensions:
            [new X509Extension(CertificateOids.LicenseClass, CertificateProfile.EncodeText("extra"), false)]);
        Assert.Equal("extra", CertificateProfile.Read(station.Certificate).Facts!.LicenseClass);
        Assert.StartsWith("2.25.", CertificateOids.LicenseClass);
    }

    [Fact]
    public void A_LoTW_CA_with_basicConstraints_only_can_issue_and_a_station_cannot()
    {
        var (_, ca, user) = TestPki.Lotw("K1ABC", "John Doe");
        Assert.True(CertificateProfile.Read(ca.Certificate).Facts!.CanIssue);
        Assert.False(CertificateProfile.Read(user.Certificate).Facts!.CanIssue);
    }

    [Fact]
    public void The_fingerprint_is_lower_case_hex_SHA256_of_the_DER()
    {
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Root.Certificate.RawData)).ToLowerInvariant();
        Assert.Equal(expected, CertificateProfile.Read(Root.Certificate).Facts!.Fingerprint);
        Assert.Equal(64, expected.Length);
        Assert.Equal(expected, Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(expected)).ToLowerInvariant());
    }
}
