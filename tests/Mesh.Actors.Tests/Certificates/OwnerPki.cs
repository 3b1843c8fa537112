// Where every openssl interop test starts: a root, and the owner K1OWN's CA certificate under it, made by the real openssl.
namespace Mesh.Actors.Tests.Certificates;

/// <summary>
/// Leaves root.pem/.key and owner.pem/.key in <see cref="Openssl"/>'s directory; <see cref="SignNodeCsr"/> adds node.csr and node.pem.
/// The actor tests claim with it through the certificate authority, the daemon tests through HTTP.
/// </summary>
public sealed class OwnerPki
{
    public const string Owner = "K1OWN";

    public const string OwnerCaExtensions = """
        basicConstraints=critical,CA:TRUE,pathlen:1
        keyUsage=critical,keyCertSign,digitalSignature
        subjectKeyIdentifier=hash
        authorityKeyIdentifier=keyid
        """;

    public const string NodeCaExtensions = """
        basicConstraints=critical,CA:TRUE,pathlen:0
        keyUsage=critical,keyCertSign,digitalSignature
        subjectKeyIdentifier=hash
        authorityKeyIdentifier=keyid
        """;

    public OwnerPki(Openssl openssl, string rootSubject)
    {
        Openssl = openssl;
        openssl.SelfSignedCa("root", rootSubject);
        openssl.KeyAndCsr("owner", $"/AROcallsign={Owner}/CN={Owner}");
        openssl.Sign("owner", "root", "owner", OwnerCaExtensions);
    }

    public Openssl Openssl { get; }

    public string OwnerPem => Openssl.Read("owner.pem");

    /// <summary>The owner's signature over a claim challenge's nonce.</summary>
    public string SignNonce(string nonce) => Openssl.SignNonce("owner", nonce);

    /// <summary>What the owner does with the node's CSR: signs it as a CA one level below the owner. Returns node.pem.</summary>
    public string SignNodeCsr(string csrPem)
    {
        Openssl.Write("node.csr", csrPem);
        Openssl.Sign("node", "owner", "node", NodeCaExtensions);
        return Openssl.Read("node.pem");
    }
}
