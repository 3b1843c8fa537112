// Errors are values: a stable code the edge maps to a status, and a sentence for the operator.
namespace Mesh.Actors.Certificates;

public sealed record CertificateError(string Code, string Details)
{
    public const string InvalidCertificate = "INVALID_CERTIFICATE";
    public const string InvalidChain = "INVALID_CHAIN";
    public const string CallsignMismatch = "CALLSIGN_MISMATCH";
    public const string Blacklisted = "BLACKLISTED";
    public const string UntrustedRoot = "UNTRUSTED_ROOT";
    public const string WeakKey = "WEAK_KEY";
    public const string InvalidCsr = "INVALID_CSR";
    public const string InvalidProof = "INVALID_PROOF";
    public const string InvalidNonce = "INVALID_NONCE";
    public const string AlreadyClaimed = "ALREADY_CLAIMED";
    public const string NotClaimed = "NOT_CLAIMED";
    public const string NotCertificateAuthority = "NOT_CERTIFICATE_AUTHORITY";
    public const string RateLimited = "RATE_LIMITED";
    public const string NotFound = "NOT_FOUND";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string InvalidRequest = "INVALID_REQUEST";
}
