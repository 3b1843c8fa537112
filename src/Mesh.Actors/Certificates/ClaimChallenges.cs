// Nonces a claimant signs: fresh, single use, five minutes. Kept in memory only: a restart voids them, which is safe.
using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Mesh.Actors.Certificates;

public sealed record ClaimChallenge(string Nonce, DateTimeOffset ExpiresAt);

public sealed record ClaimChallenges(ImmutableDictionary<string, DateTimeOffset> Outstanding)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Anyone may ask for a nonce, so the number held is capped; the oldest go first.</summary>
    public const int MostOutstanding = 10_000;

    public static ClaimChallenges None { get; } = new(ImmutableDictionary<string, DateTimeOffset>.Empty);

    public (ClaimChallenges Next, ClaimChallenge Challenge) Issue(DateTimeOffset now)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var live = Outstanding.Where(o => o.Value > now);
        if (Outstanding.Count >= MostOutstanding)
            live = live.OrderByDescending(o => o.Value).Take(MostOutstanding - 1);
        var challenge = new ClaimChallenge(nonce, now + Lifetime);
        return (new ClaimChallenges(live.ToImmutableDictionary().Add(nonce, challenge.ExpiresAt)), challenge);
    }

    /// <summary>Takes the nonce out whether or not it is still fresh, so it can never be used twice.</summary>
    public (ClaimChallenges Next, CertificateError? Error) Consume(string? nonce, DateTimeOffset now)
    {
        if (nonce is null || !Outstanding.TryGetValue(nonce, out var expiresAt))
            return (this, new CertificateError(CertificateError.InvalidNonce, "The nonce is unknown or was already used; ask for a new claim challenge."));
        var next = new ClaimChallenges(Outstanding.Remove(nonce));
        return expiresAt <= now
            ? (next, new CertificateError(CertificateError.InvalidNonce, "The nonce has expired; ask for a new claim challenge."))
            : (next, null);
    }
}
