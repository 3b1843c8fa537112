// A claimant proves they hold a certificate's private key by signing the node's nonce with it.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Actors.Certificates;

public static class ProofOfPossession
{
    /// <summary>
    /// SHA-256 over the UTF-8 bytes of <paramref name="nonce"/>: ECDSA as DER or as IEEE P1363 r‖s (what Web Crypto
    /// makes), RSA as PKCS#1 v1.5.
    /// </summary>
    public static bool Verify(X509Certificate2 certificate, string nonce, string? signatureBase64)
    {
        if (string.IsNullOrWhiteSpace(signatureBase64) || signatureBase64.Length > 4096)
            return false;
        var signature = new byte[signatureBase64.Length];
        if (!Convert.TryFromBase64String(signatureBase64.Trim(), signature, out var length))
            return false;
        signature = signature[..length];
        var data = Encoding.UTF8.GetBytes(nonce);
        try
        {
            using (var ecdsa = certificate.GetECDsaPublicKey())
            {
                if (ecdsa is not null)
                {
                    return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                           || ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }
            }
            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
