// The node's own ECDSA P-256 key: made on first start in the cert dir, owner-only, never leaves the node.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Actors.Certificates;

public sealed class NodeKey : IDisposable
{
    public const string FileName = "node.key";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private NodeKey(ECDsa key, string path)
    {
        Key = key;
        Path = path;
        PublicKeyFingerprint = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    public ECDsa Key { get; }

    public string Path { get; }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo: ties a certificate to this key.</summary>
    public string PublicKeyFingerprint { get; }

    public static NodeKey LoadOrCreate(string certificateDirectory)
    {
        Directory.CreateDirectory(certificateDirectory);
        var path = System.IO.Path.Combine(certificateDirectory, FileName);
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
                File.SetUnixFileMode(path, OwnerOnly);
            key.ImportFromPem(File.ReadAllText(path));
            return new NodeKey(key, path);
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        return new NodeKey(key, path);
    }

    public bool Matches(X509Certificate2 certificate)
    {
        using var publicKey = certificate.GetECDsaPublicKey();
        return publicKey is not null
               && publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(Key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// The request the owner signs on their device. It asks for what a CA under the owner needs, so the owner's tool
    /// can copy the requested extensions: CA with path length 0, keyCertSign.
    /// </summary>
    public string CreateSigningRequestPem()
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"mesh-node {PublicKeyFingerprint[..16]}");
        var request = new CertificateRequest(subject.Build(), Key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSigningRequestPem();
    }

    public void Dispose() => Key.Dispose();
}
