// What operators bring: PEM, DER, PKCS#12 (TQSL .p12, often without a password) and TQSL's .tq6 root bundles.
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Mesh.Actors.Certificates;

public sealed record LoadedCertificates(IReadOnlyList<X509Certificate2>? Certificates, CertificateError? Error)
{
    public static LoadedCertificates Of(IReadOnlyList<X509Certificate2> certificates) => new(certificates, null);
    public static LoadedCertificates Refused(string details) => new(null, new CertificateError(CertificateError.InvalidCertificate, details));
}

/// <summary>An operator's certificate with its private key, and whatever chain the file carried.</summary>
public sealed record OperatorCredentials(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain);

public sealed record Tq6Bundle(IReadOnlyList<X509Certificate2> Roots, IReadOnlyList<X509Certificate2> Intermediates);

public static class CertificateFiles
{
    private const int LargestTq6 = 16 * 1024 * 1024;

    /// <summary>Every CERTIFICATE block of a PEM text, in order; anything else in the text is refused.</summary>
    public static LoadedCertificates ParsePem(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
            return LoadedCertificates.Refused("The PEM text is empty.");
        var found = new List<X509Certificate2>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (!rest[fields.Label].SequenceEqual("CERTIFICATE"))
                return LoadedCertificates.Refused($"A PEM block labelled '{rest[fields.Label]}' is not a certificate.");
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _))
                return LoadedCertificates.Refused("A PEM block's base64 does not decode.");
            var certificate = TryLoadDer(der);
            if (certificate is null)
                return LoadedCertificates.Refused("A PEM block does not hold a valid X.509 certificate.");
            found.Add(certificate);
            rest = rest[fields.Location.End..];
        }
        if (found.Count == 0)
            return LoadedCertificates.Refused("No PEM certificate block was found.");
        if (!rest.IsWhiteSpace() && rest.IndexOf("-----", StringComparison.Ordinal) >= 0)
            return LoadedCertificates.Refused("The PEM text ends with a damaged block.");
        return LoadedCertificates.Of(found);
    }

    /// <summary>One certificate from PEM, the only block the text may hold.</summary>
    public static (X509Certificate2? Certificate, CertificateError? Error) ParseSinglePem(string? pem)
    {
        var loaded = ParsePem(pem);
        if (loaded.Error is not null)
            return (null, loaded.Error);
        return loaded.Certificates!.Count == 1
            ? (loaded.Certificates[0], null)
            : (null, new CertificateError(CertificateError.InvalidCertificate, "Exactly one certificate was expected."));
    }

    /// <summary>PEM or DER certificates from a file's bytes.</summary>
    public static LoadedCertificates Load(byte[] bytes)
    {
        if (LooksLikePem(bytes))
            return ParsePem(Encoding.ASCII.GetString(bytes));
        var certificate = TryLoadDer(bytes);
        return certificate is null
            ? LoadedCertificates.Refused("The bytes are neither PEM nor a DER certificate.")
            : LoadedCertificates.Of([certificate]);
    }

    /// <summary>A PKCS#12 file: the certificate holding the private key, the rest as its chain.</summary>
    public static (OperatorCredentials? Credentials, CertificateError? Error) LoadPkcs12(byte[] bytes, string? password)
    {
        X509Certificate2Collection? collection = null;
        // TQSL writes files with an empty password; PKCS#12 tells "" and "no password" apart, so try both.
        foreach (var candidate in password is null ? new[] { "", null } : [password])
        {
            try
            {
                collection = X509CertificateLoader.LoadPkcs12Collection(bytes, candidate, X509KeyStorageFlags.EphemeralKeySet);
                break;
            }
            catch (CryptographicException)
            {
            }
        }
        if (collection is null)
            return (null, new CertificateError(CertificateError.InvalidCertificate, "The PKCS#12 file does not open with that password or is damaged."));
        var withKey = collection.FirstOrDefault(c => c.HasPrivateKey);
        if (withKey is null)
            return (null, new CertificateError(CertificateError.InvalidCertificate, "The PKCS#12 file holds no private key."));
        var chain = collection.Where(c => !ReferenceEquals(c, withKey)).ToList();
        return (new OperatorCredentials(withKey, OrderFrom(withKey, chain)), null);
    }

    /// <summary>TQSL's .tq6: gzipped XML &lt;tqsldata&gt;&lt;tqslcerts&gt; with rootcert, cacert and usercert elements.</summary>
    public static (Tq6Bundle? Bundle, CertificateError? Error) ReadTq6(Stream stream)
    {
        try
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var limited = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (limited.Length + read > LargestTq6)
                    return (null, new CertificateError(CertificateError.InvalidCertificate, "The .tq6 file unpacks to more than 16 MB."));
                limited.Write(buffer, 0, read);
            }
            limited.Position = 0;
            var roots = new List<X509Certificate2>();
            var intermediates = new List<X509Certificate2>();
            using var xml = XmlReader.Create(limited, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || xml.Name is not ("rootcert" or "cacert"))
                    continue;
                var target = xml.Name == "rootcert" ? roots : intermediates;
                var certificate = FromBase64OrPem(xml.ReadElementContentAsString());
                if (certificate is null)
                    return (null, new CertificateError(CertificateError.InvalidCertificate, "A certificate in the .tq6 file does not decode."));
                target.Add(certificate);
            }
            return roots.Count == 0
                ? (null, new CertificateError(CertificateError.InvalidCertificate, "The .tq6 file holds no root certificate."))
                : (new Tq6Bundle(roots, intermediates), null);
        }
        catch (Exception e) when (e is InvalidDataException or XmlException)
        {
            return (null, new CertificateError(CertificateError.InvalidCertificate, "The file is not a gzipped TQSL .tq6 document."));
        }
    }

    public static string ToPem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    private static X509Certificate2? FromBase64OrPem(string text)
    {
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var loaded = ParsePem(text);
            return loaded.Certificates is [var only] ? only : null;
        }
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var der = new byte[compact.Length];
        return Convert.TryFromBase64String(compact, der, out var length) ? TryLoadDer(der[..length]) : null;
    }

    private static X509Certificate2? TryLoadDer(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool LooksLikePem(byte[] bytes)
    {
        var start = bytes.AsSpan(0, Math.Min(bytes.Length, 4096));
        return start.IndexOf("-----BEGIN"u8) >= 0;
    }

    /// <summary>Puts a file's loose certificates in issuer order starting from the leaf; strays go last.</summary>
    private static IReadOnlyList<X509Certificate2> OrderFrom(X509Certificate2 leaf, List<X509Certificate2> pool)
    {
        var ordered = new List<X509Certificate2>();
        var current = leaf;
        while (true)
        {
            if (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData))
                break;
            var next = pool.FirstOrDefault(c => !ordered.Contains(c) && c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (next is null)
                break;
            ordered.Add(next);
            current = next;
        }
        ordered.AddRange(pool.Where(c => !ordered.Contains(c)));
        return ordered;
    }
}
