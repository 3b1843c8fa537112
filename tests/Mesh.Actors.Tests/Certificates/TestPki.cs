// Certificates the tests make themselves: our own CA shape and LoTW's shape (RSA, AROcallsign, CN = a name, raw ASCII extensions).
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Actors.Certificates;

namespace Mesh.Actors.Tests.Certificates;

public sealed record TestCertificate(X509Certificate2 Certificate, AsymmetricAlgorithm Key)
{
    public string Pem => Certificate.ExportCertificatePem();
    public string Fingerprint => CertificateProfile.Fingerprint(Certificate);

    public X509Certificate2 WithKey() => Key switch
    {
        ECDsa ecdsa => ECDsaCertificateExtensions.CopyWithPrivateKey(Certificate, ecdsa),
        RSA rsa => RSACertificateExtensions.CopyWithPrivateKey(Certificate, rsa),
        _ => throw new InvalidOperationException(),
    };

    public string Sign(string nonce, DSASignatureFormat format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation) => Key switch
    {
        ECDsa ecdsa => Convert.ToBase64String(ecdsa.SignData(Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256, format)),
        RSA rsa => Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
        _ => throw new InvalidOperationException(),
    };
}

public static class TestPki
{
    private static readonly DateTimeOffset NotBefore = DateTimeOffset.UtcNow.AddDays(-1);
    private static readonly DateTimeOffset NotAfter = DateTimeOffset.UtcNow.AddYears(10);

    public static X500DistinguishedName Subject(string? aroCallsign, string? commonName, string? organization = null)
    {
        var builder = new X500DistinguishedNameBuilder();
        if (organization is not null)
            builder.AddOrganizationName(organization);
        if (aroCallsign is not null)
            builder.Add(CertificateOids.AroCallsign, aroCallsign, UniversalTagNumber.PrintableString);
        if (commonName is not null)
            builder.AddCommonName(commonName);
        return builder.Build();
    }

    public static TestCertificate Root(string name = "Test Root", bool rsa = false, string? organization = null)
    {
        AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(Subject(null, name, organization), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestCertificate(request.CreateSelfSigned(NotBefore, NotAfter), key);
    }

    /// <summary>A CA certificate for a callsign (the owner's shape): AROcallsign and CN.</summary>
    public static TestCertificate Intermediate(TestCertificate issuer, string callsign, int? pathLength = null, AsymmetricAlgorithm? key = null) =>
        Issue(issuer, Subject(callsign, callsign), key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256), ca: true, pathLength);

    public static TestCertificate Station(TestCertificate issuer, string? aroCallsign, string? commonName, AsymmetricAlgorithm? key = null,
        IEnumerable<X509Extension>? extensions = null) =>
        Issue(issuer, Subject(aroCallsign, commonName), key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256), ca: false, null, extensions);

    /// <summary>A self-signed CA certificate for a callsign: what a claimant brings to a node in bootstrap mode.</summary>
    public static TestCertificate SelfSignedOperator(string callsign)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(Subject(callsign, callsign), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestCertificate(request.CreateSelfSigned(NotBefore, NotAfter), key);
    }

    /// <summary>LoTW's shape: an ARRL root and CA with basicConstraints only, a user certificate with RSA 1024, CN = a name.</summary>
    public static (TestCertificate Root, TestCertificate Ca, TestCertificate User) Lotw(string callsign, string operatorName)
    {
        var rootKey = RSA.Create(2048);
        var rootRequest = Request(Subject(null, "Logbook of the World Root CA", "American Radio Relay League"), rootKey);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var root = new TestCertificate(rootRequest.CreateSelfSigned(NotBefore, NotAfter), rootKey);

        var caKey = RSA.Create(2048);
        var caRequest = Request(Subject(null, "Logbook of the World Production CA", "American Radio Relay League"), caKey);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var ca = new TestCertificate(Sign(caRequest, root), caKey);

        var userKey = RSA.Create(1024);
        var userRequest = Request(Subject(callsign, operatorName), userKey);
        userRequest.CertificateExtensions.Add(new X509Extension(CertificateOids.LotwQsoFirstDate, Encoding.ASCII.GetBytes("1990-01-01"), false));
        userRequest.CertificateExtensions.Add(new X509Extension(CertificateOids.LotwQsoLastDate, Encoding.ASCII.GetBytes("2035-12-31"), false));
        userRequest.CertificateExtensions.Add(new X509Extension(CertificateOids.LotwDxccEntity, Encoding.ASCII.GetBytes("291"), false));
        var user = new TestCertificate(Sign(userRequest, ca), userKey);
        return (root, ca, user);
    }

    public static TestCertificate Issue(TestCertificate issuer, X500DistinguishedName subject, AsymmetricAlgorithm key, bool ca, int? pathLength,
        IEnumerable<X509Extension>? extensions = null)
    {
        var request = Request(subject, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, pathLength.HasValue, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        foreach (var extension in extensions ?? [])
            request.CertificateExtensions.Add(extension);
        return new TestCertificate(Sign(request, issuer), key);
    }

    /// <summary>A chain of <paramref name="intermediates"/> CAs under <paramref name="root"/>, nearest the root first.</summary>
    public static List<TestCertificate> Ladder(TestCertificate root, int intermediates)
    {
        var ladder = new List<TestCertificate>();
        var issuer = root;
        for (var i = 0; i < intermediates; i++)
        {
            issuer = Intermediate(issuer, $"K{i}CA");
            ladder.Add(issuer);
        }
        return ladder;
    }

    public static string CsrPem(AsymmetricAlgorithm key, X500DistinguishedName subject) => Request(subject, key).CreateSigningRequestPem();

    private static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException("ECDSA or RSA only", nameof(key)),
    };

    private static X509Certificate2 Sign(CertificateRequest request, TestCertificate issuer)
    {
        var generator = issuer.Key switch
        {
            ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
            RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException(),
        };
        if (!request.CertificateExtensions.OfType<X509AuthorityKeyIdentifierExtension>().Any()
            && issuer.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        return request.Create(issuer.Certificate.SubjectName, generator, NotBefore, NotAfter, CertificateIssuance.NewSerialNumber());
    }
}

public static class OwnerDevice
{
    /// <summary>What the owner's own tool does with the node's CSR: a CA certificate (path length 0) for the node's key.</summary>
    public static X509Certificate2 SignNodeCsr(TestCertificate owner, string csrPem)
    {
        var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var node = new CertificateRequest(request.SubjectName, request.PublicKey, HashAlgorithmName.SHA256);
        node.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        node.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        node.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(node.PublicKey, false));
        node.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(owner.Certificate, true, false));
        var generator = X509SignatureGenerator.CreateForECDsa((ECDsa)owner.Key);
        return node.Create(owner.Certificate.SubjectName, generator, DateTimeOffset.UtcNow.AddDays(-1), owner.Certificate.NotAfter,
            CertificateIssuance.NewSerialNumber());
    }
}

public static class NodeKeys
{
    /// <summary>A node key of its own in a fresh directory, as a node makes on first start.</summary>
    public static NodeKey Fresh() => NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("mesh-node-key-").FullName);
}
