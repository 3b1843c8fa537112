// What the edge and other actors ask the certificate authority, and what it answers. Every command answers
// with its success record or a CertificateRefused carrying a stable code.
namespace Mesh.Actors.Certificates;

public interface ICertificateAuthorityCommand;

public interface ICertificateAuthorityQuery;

public interface ICertificateAuthorityReply;

public enum TrustLevel
{
    Root,
    Intermediate,
    Peer,
}

public enum NodePhase
{
    Unclaimed,
    Claimed,
    Active,
}

public enum OwnerVerdict
{
    Owner,
    /// <summary>No bearer token was presented: 401.</summary>
    Missing,
    /// <summary>A token that is not the owner's, or a node nobody owns yet: 403.</summary>
    Wrong,
}

// Commands

public sealed record ClaimStation(
    string? CertificatePem,
    IReadOnlyList<string>? ChainPems,
    string? Callsign,
    string? Metadata,
    string? Nonce,
    string? Signature) : ICertificateAuthorityCommand;

public sealed record InstallNodeCertificate(string? CertificatePem, IReadOnlyList<string>? ChainPems) : ICertificateAuthorityCommand;

/// <summary>
/// What the owner vouches for: the licensee's callsign, their class, and where the license can be looked up. A
/// proof that names a callsign must name the CSR's; one that does not (a licence number, a URL) leaves the CSR's
/// callsign to the owner's word.
/// </summary>
public sealed record ProofOfLicense(string? Callsign, string? LicenseClass, string? Reference);

public sealed record IssueCertificate(string? CsrPem, ProofOfLicense? Proof) : ICertificateAuthorityCommand;

public sealed record AddCertificate(string? CertificatePem, IReadOnlyList<string>? ChainPems) : ICertificateAuthorityCommand;

public sealed record BlacklistCertificate(string? Fingerprint, string? Reason) : ICertificateAuthorityCommand;

// Queries

public sealed record GetClaimChallenge : ICertificateAuthorityQuery
{
    public static readonly GetClaimChallenge Instance = new();
}

public sealed record GetNodeCsr : ICertificateAuthorityQuery
{
    public static readonly GetNodeCsr Instance = new();
}

public sealed record GetAuthorityStatus : ICertificateAuthorityQuery
{
    public static readonly GetAuthorityStatus Instance = new();
}

public sealed record ListCertificates : ICertificateAuthorityQuery
{
    public static readonly ListCertificates Instance = new();
}

public sealed record GetCertificate(string? Fingerprint) : ICertificateAuthorityQuery;

public sealed record CheckOwnerToken(string? Token) : ICertificateAuthorityQuery;

/// <summary>A station proving its certificate (signaling's REGISTER): chain valid and a signature over the nonce it was given.</summary>
public sealed record VerifyStation(string? CertificatePem, IReadOnlyList<string>? ChainPems, string Nonce, string? Signature) : ICertificateAuthorityQuery;

// Replies

public sealed record CertificateRefused(CertificateError Error) : ICertificateAuthorityReply
{
    public CertificateRefused(string code, string details) : this(new CertificateError(code, details))
    {
    }
}

public sealed record ClaimChallengeIssued(string Nonce, DateTimeOffset ExpiresAt) : ICertificateAuthorityReply;

public sealed record ClaimAccepted(string Owner, string AccessToken) : ICertificateAuthorityReply;

public sealed record NodeCsr(string CsrPem) : ICertificateAuthorityReply;

public sealed record NodeCertificateAccepted(string Fingerprint) : ICertificateAuthorityReply;

public sealed record CertificateIssuedReply(string Fingerprint, string CertificatePem, IReadOnlyList<string> ChainPems) : ICertificateAuthorityReply;

public sealed record CertificateSummary(string Fingerprint, string? Callsign, string? LicenseClass, TrustLevel TrustLevel);

public sealed record CertificateAdded(CertificateSummary Certificate, bool AlreadyKnown) : ICertificateAuthorityReply;

public sealed record BlacklistAccepted(BlacklistEntry Entry, bool AlreadyBlacklisted) : ICertificateAuthorityReply;

public sealed record AuthorityStatus(NodePhase Phase, string? Owner, bool BootstrapMode, bool CanIssue, int TrustedRoots) : ICertificateAuthorityReply;

public sealed record CertificateList(IReadOnlyList<CertificateSummary> Certificates) : ICertificateAuthorityReply;

public sealed record CertificateExtensionsView(string? Callsign, string? LicenseClass, bool CanIssue, IReadOnlyList<string> IssuerChain, LotwExtensions Lotw);

public sealed record BlacklistEntry(string Fingerprint, string Reason, DateTimeOffset At);

public sealed record CertificateDetails(
    string Fingerprint,
    string SerialNumber,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    CertificateExtensionsView Extensions,
    IReadOnlyList<string> Chain,
    string CertificatePem,
    TrustLevel TrustLevel,
    BlacklistEntry? Blacklisted) : ICertificateAuthorityReply;

public sealed record OwnerCheck(OwnerVerdict Verdict) : ICertificateAuthorityReply;

public sealed record StationVerified(string Callsign, string Fingerprint, string? LicenseClass) : ICertificateAuthorityReply;

// Exchange with nodes outside the cluster (/ws/coordinate)

/// <summary>A certificate another node trusts, as CERT_SYNC carries it: taken in only if its chain validates here.</summary>
public sealed record SyncedCertificate(string? Fingerprint, string? CertificatePem, IReadOnlyList<string>? ChainPems);

/// <summary>
/// A blacklisting as BLACKLIST_UPDATE carries it. Outside the cluster nothing vouches for the sender, so the item is
/// signed by the stating node's key and carries that node's certificate and chain: taken in only if that chain
/// validates here, names a certificate authority, and the signature over <see cref="SignedText"/> verifies.
/// </summary>
public sealed record SyncedBlacklisting(
    string? Fingerprint,
    string? Reason,
    string? Timestamp,
    string? SignerPem,
    IReadOnlyList<string>? SignerChainPems,
    string? Signature)
{
    /// <summary>The timestamp exactly as sent, so the signature does not depend on how either side formats times.</summary>
    public static string SignedText(string fingerprint, string reason, string timestamp) => $"BLACKLIST\n{fingerprint}\n{reason}\n{timestamp}";
}

public sealed record SyncCertificates(IReadOnlyList<SyncedCertificate> Items) : ICertificateAuthorityCommand;

public sealed record SyncBlacklist(IReadOnlyList<SyncedBlacklisting> Items) : ICertificateAuthorityCommand;

public sealed record GetCoordinationSnapshot : ICertificateAuthorityQuery
{
    public static readonly GetCoordinationSnapshot Instance = new();
}

/// <param name="Item">the item's fingerprint as sent (or a placeholder when it sent none).</param>
public sealed record SyncRefusal(string Item, string Code, string Details);

/// <summary>Which items were taken in (or already known) and which were refused, with why.</summary>
public sealed record SyncOutcome(IReadOnlyList<string> Accepted, IReadOnlyList<SyncRefusal> Refused) : ICertificateAuthorityReply;

/// <summary>What this node offers a node outside the cluster: its certificates with chains, and its blacklist signed (when it can sign).</summary>
public sealed record CoordinationSnapshot(IReadOnlyList<SyncedCertificate> Certificates, IReadOnlyList<SyncedBlacklisting> Blacklist)
    : ICertificateAuthorityReply;
