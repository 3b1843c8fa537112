// Signing requests in, profile-following callsign certificates out.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Actors.Certificates;

public sealed record SigningRequest(CertificateRequest Request, Callsign Callsign);

public sealed record ParsedRequest(SigningRequest? Request, CertificateError? Error)
{
    public static ParsedRequest Refused(string code, string details) => new(null, new CertificateError(code, details));
}

/// <summary>The certificate and key that sign: the node's certificate (a CA under its owner) and the node's private key.</summary>
public sealed record Issuer(X509Certificate2 Certificate, ECDsa Key);

public static class CertificateIssuance
{
    public const int LargestCsrPem = 64 * 1024;

    /// <summary>
    /// A PKCS#10 request whose self-signature verifies and whose subject names one callsign the profile's way
    /// (AROcallsign attribute or CN, agreeing when both are there); the key must be ECDSA or RSA 2048+.
    /// </summary>
    public static ParsedRequest ParseCsr(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
            return ParsedRequest.Refused(CertificateError.InvalidCsr, "The CSR is empty.");
        if (pem.Length > LargestCsrPem)
            return ParsedRequest.Refused(CertificateError.InvalidCsr, "The CSR is larger than 64 KiB.");
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return ParsedRequest.Refused(CertificateError.InvalidCsr, "The CSR is not a PKCS#10 request with a valid signature.");
        }

        string? aro = null;
        string? commonName = null;
        foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
                continue;
            var oid = rdn.GetSingleElementType().Value;
            if (oid == CertificateOids.AroCallsign)
                aro ??= rdn.GetSingleElementValue();
            else if (oid == CertificateOids.CommonName)
                commonName ??= rdn.GetSingleElementValue();
        }
        Callsign callsign;
        if (aro is not null)
        {
            if (!Callsign.TryParse(aro, out callsign))
                return ParsedRequest.Refused(CertificateError.InvalidCsr, $"The CSR's AROcallsign '{aro}' is not a callsign.");
            if (Callsign.TryParse(commonName, out var cn) && cn != callsign)
                return ParsedRequest.Refused(CertificateError.CallsignMismatch, $"The CSR's CN names {cn} but its AROcallsign names {callsign}.");
        }
        else if (!Callsign.TryParse(commonName, out callsign))
        {
            return ParsedRequest.Refused(CertificateError.InvalidCsr, "The CSR's subject names no callsign (AROcallsign attribute or CN).");
        }

        var keyAlgorithm = request.PublicKey.Oid.Value;
        if (keyAlgorithm == "1.2.840.113549.1.1.1")
        {
            using var rsa = request.PublicKey.GetRSAPublicKey();
            if (rsa is null || rsa.KeySize < 2048)
                return ParsedRequest.Refused(CertificateError.WeakKey, "RSA keys must have at least 2048 bits.");
        }
        else if (keyAlgorithm == "1.2.840.10045.2.1")
        {
            // The named curve is the algorithm parameter; reading it avoids importing the key a second time.
            if (NamedCurve(request.PublicKey.EncodedParameters?.RawData ?? []) is not ("1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35"))
                return ParsedRequest.Refused(CertificateError.WeakKey, "Only ECDSA keys on P-256, P-384 or P-521 are accepted.");
        }
        else
        {
            return ParsedRequest.Refused(CertificateError.WeakKey, "Only ECDSA and RSA keys are accepted.");
        }
        return new ParsedRequest(new SigningRequest(request, callsign), null);
    }

    private static string? NamedCurve(byte[] parameters)
    {
        try
        {
            var oid = System.Formats.Asn1.AsnDecoder.ReadObjectIdentifier(parameters, System.Formats.Asn1.AsnEncodingRules.DER, out var consumed);
            return consumed == parameters.Length ? oid : null;
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The subject every certificate we issue carries: the AROcallsign attribute and CN, both the callsign.</summary>
    public static X500DistinguishedName StationSubject(Callsign callsign)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(CertificateOids.AroCallsign, callsign.Value, System.Formats.Asn1.UniversalTagNumber.PrintableString);
        builder.AddCommonName(callsign.Value);
        return builder.Build();
    }

    /// <summary>
    /// From the issuer's subject key identifier, or, when the owner's tool left that out of the node certificate, from
    /// the key identifier RFC 5280 (4.2.1.2, method 1) would have given it.
    /// </summary>
    private static X509AuthorityKeyIdentifierExtension AuthorityKeyIdentifier(X509Certificate2 issuer) =>
        issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any()
            ? X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false)
            : X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(new X509SubjectKeyIdentifierExtension(issuer.PublicKey, critical: false));

    /// <summary>An end-entity station certificate for the request's public key, signed by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 IssueStation(SigningRequest request, string? licenseClass, Issuer issuer, DateTimeOffset now, TimeSpan lifetime)
    {
        var builder = new CertificateRequest(StationSubject(request.Callsign), request.Request.PublicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        builder.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        builder.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        builder.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.Request.PublicKey, false));
        builder.CertificateExtensions.Add(AuthorityKeyIdentifier(issuer.Certificate));
        if (!string.IsNullOrWhiteSpace(licenseClass))
            builder.CertificateExtensions.Add(new X509Extension(CertificateOids.LicenseClass, CertificateProfile.EncodeText(licenseClass), false));

        var notBefore = now.AddMinutes(-5);
        var issuerNotBefore = new DateTimeOffset(issuer.Certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        if (notBefore < issuerNotBefore)
            notBefore = issuerNotBefore;
        var notAfter = now + lifetime;
        var issuerNotAfter = new DateTimeOffset(issuer.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter > issuerNotAfter)
            notAfter = issuerNotAfter;

        var generator = X509SignatureGenerator.CreateForECDsa(issuer.Key);
        return builder.Create(issuer.Certificate.SubjectName, generator, notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>16 random bytes, top bit clear so the DER INTEGER stays positive.</summary>
    public static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        serial[0] |= 0x01;
        return serial;
    }
}
