// What the certificate authority persists. Events carry the facts Apply needs, so replaying 100,000 of them
// does not parse 100,000 certificates.
namespace Mesh.Actors.Certificates;

/// <summary>Bound to the certificate authority's own serializer: persisted on purpose, never by accident.</summary>
public interface ICertificateAuthorityEvent
{
    DateTimeOffset At { get; }
}

/// <param name="OwnerChain">DER of the owner certificate's issuers, nearest first.</param>
/// <param name="BootstrapRoot">With no roots configured, the claimant's self-signed CA certificate became this node's root.</param>
public sealed record NodeClaimed(
    string Owner,
    byte[] OwnerCertificate,
    byte[][] OwnerChain,
    byte[] AccessTokenHash,
    string? Metadata,
    byte[]? BootstrapRoot,
    DateTimeOffset At) : ICertificateAuthorityEvent;

public sealed record NodeCertificateInstalled(byte[] Certificate, byte[][] Chain, DateTimeOffset At) : ICertificateAuthorityEvent;

public sealed record CertificateIssued(byte[] Certificate, string Callsign, string? LicenseClass, string IssuerFingerprint, DateTimeOffset At)
    : ICertificateAuthorityEvent;

public sealed record CertificateTrusted(byte[] Certificate, byte[][] Chain, TrustLevel Level, string? Callsign, string? LicenseClass, DateTimeOffset At)
    : ICertificateAuthorityEvent;

public sealed record CertificateBlacklisted(string Fingerprint, string Reason, DateTimeOffset At) : ICertificateAuthorityEvent;
