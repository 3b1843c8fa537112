// The certificate profile of protocol.md: callsign, LoTW extensions, license class, the right to issue.
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Actors.Certificates;

public static class CertificateOids
{
    /// <summary>TQSL's AROcallsign subject attribute.</summary>
    public const string AroCallsign = "1.3.6.1.4.1.12348.1.1";
    public const string LotwQsoFirstDate = "1.3.6.1.4.1.12348.1.2";
    public const string LotwQsoLastDate = "1.3.6.1.4.1.12348.1.3";
    public const string LotwDxccEntity = "1.3.6.1.4.1.12348.1.4";
    public const string LotwSuperseded = "1.3.6.1.4.1.12348.1.5";

    /// <summary>The project's own arc: a UUID OID (ITU-T X.667) needs no registration.</summary>
    public const string MeshArc = "2.25.257867075969989771432676086380529077709";
    public const string LicenseClass = MeshArc + ".1";

    public const string CommonName = "2.5.4.3";
    public const string Organization = "2.5.4.10";
}

public sealed record LotwExtensions(string? QsoFirstDate, string? QsoLastDate, string? DxccEntity, string? SupersededCertificate)
{
    public static readonly LotwExtensions None = new(null, null, null, null);
}

/// <summary>What the profile reads from one certificate.</summary>
public sealed record CertificateFacts(
    string Fingerprint,
    Callsign? Callsign,
    string? LicenseClass,
    bool CanIssue,
    int? PathLength,
    LotwExtensions Lotw,
    string SerialNumber,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    bool IsSelfSigned);

public sealed record ProfileReading(CertificateFacts? Facts, CertificateError? Error)
{
    public static ProfileReading Of(CertificateFacts facts) => new(facts, null);
    public static ProfileReading Refused(string code, string details) => new(null, new CertificateError(code, details));
}

public static class CertificateProfile
{
    public static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span));

    public static ProfileReading Read(X509Certificate2 certificate)
    {
        if (certificate.Version != 3)
            return ProfileReading.Refused(CertificateError.InvalidCertificate, "Only X.509 v3 certificates are accepted.");

        string? aroText = null;
        string? commonName = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
                continue;
            var oid = rdn.GetSingleElementType().Value;
            if (oid == CertificateOids.AroCallsign)
                aroText ??= rdn.GetSingleElementValue();
            else if (oid == CertificateOids.CommonName)
                commonName ??= rdn.GetSingleElementValue();
        }

        Callsign? callsign = null;
        if (aroText is not null)
        {
            if (!Certificates.Callsign.TryParse(aroText, out var aro))
                return ProfileReading.Refused(CertificateError.InvalidCertificate, $"The AROcallsign attribute '{aroText}' is not a callsign.");
            if (Certificates.Callsign.TryParse(commonName, out var cn) && cn != aro)
                return ProfileReading.Refused(CertificateError.CallsignMismatch,
                    $"The subject's CN names {cn} but its AROcallsign attribute names {aro}.");
            callsign = aro;
        }
        else if (Certificates.Callsign.TryParse(commonName, out var cn))
        {
            callsign = cn;
        }

        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        // LoTW CA certificates carry basicConstraints and no keyUsage; when keyUsage is there it must allow signing certificates.
        var canIssue = basic is { CertificateAuthority: true }
                       && (keyUsage is null || keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        int? pathLength = basic is { CertificateAuthority: true, HasPathLengthConstraint: true } ? basic.PathLengthConstraint : null;

        var lotw = new LotwExtensions(
            ReadText(certificate, CertificateOids.LotwQsoFirstDate),
            ReadText(certificate, CertificateOids.LotwQsoLastDate),
            ReadText(certificate, CertificateOids.LotwDxccEntity),
            ReadText(certificate, CertificateOids.LotwSuperseded));

        return ProfileReading.Of(new CertificateFacts(
            Fingerprint(certificate),
            callsign,
            ReadText(certificate, CertificateOids.LicenseClass),
            canIssue,
            pathLength,
            lotw,
            certificate.SerialNumber.ToLowerInvariant(),
            certificate.Subject,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)));
    }

    /// <summary>The DER value of our text extensions (a UTF8String).</summary>
    public static byte[] EncodeText(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        return writer.Encode();
    }

    /// <summary>
    /// TQSL writes raw ASCII into the extension's OCTET STRING rather than a DER value, so both are read:
    /// a complete DER string or integer first, else printable ASCII as is.
    /// </summary>
    public static string? DecodeText(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
            return null;
        if (TryDecodeDer(raw, out var text))
            return text;
        foreach (var b in raw)
        {
            if (b < 0x20 || b > 0x7e)
                return null;
        }
        return Encoding.ASCII.GetString(raw);
    }

    private static string? ReadText(X509Certificate2 certificate, string oid) =>
        certificate.Extensions[oid] is { } extension ? DecodeText(extension.RawData) : null;

    private static bool TryDecodeDer(ReadOnlySpan<byte> raw, out string? text)
    {
        text = null;
        try
        {
            var tag = Asn1Tag.Decode(raw, out _);
            if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
                return false;
            int consumed;
            switch ((UniversalTagNumber)tag.TagValue)
            {
                case UniversalTagNumber.UTF8String:
                case UniversalTagNumber.PrintableString:
                case UniversalTagNumber.IA5String:
                case UniversalTagNumber.VisibleString:
                    text = AsnDecoder.ReadCharacterString(raw, AsnEncodingRules.BER, (UniversalTagNumber)tag.TagValue, out consumed);
                    break;
                case UniversalTagNumber.Integer:
                    text = AsnDecoder.ReadInteger(raw, AsnEncodingRules.BER, out consumed).ToString();
                    break;
                default:
                    return false;
            }
            return consumed == raw.Length;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
