using System.Security.Cryptography;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class ClaimTests
{
    private static readonly TestCertificate Root = TestPki.Root();
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DSASignatureFormat.IeeeP1363FixedFieldConcatenation)]
    [InlineData(DSASignatureFormat.Rfc3279DerSequence)]
    public void An_ECDSA_signature_over_the_nonce_proves_possession_in_either_format(DSASignatureFormat format)
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC");
        Assert.True(ProofOfPossession.Verify(station.Certificate, "nonce-1", station.Sign("nonce-1", format)));
    }

    [Fact]
    public void An_RSA_PKCS1_signature_proves_possession()
    {
        var (_, _, user) = TestPki.Lotw("K1ABC", "John Doe");
        Assert.True(ProofOfPossession.Verify(user.Certificate, "nonce-1", user.Sign("nonce-1")));
    }

    [Fact]
    public void A_signature_over_another_nonce_or_by_another_key_proves_nothing()
    {
        var station = TestPki.Station(Root, "K1ABC", "K1ABC");
        var other = TestPki.Station(Root, "K1ABC", "K1ABC");
        Assert.False(ProofOfPossession.Verify(station.Certificate, "nonce-1", station.Sign("nonce-2")));
        Assert.False(ProofOfPossession.Verify(station.Certificate, "nonce-1", other.Sign("nonce-1")));
        Assert.False(ProofOfPossession.Verify(station.Certificate, "nonce-1", "not base64!"));
    }

    [Fact]
    public void A_challenge_nonce_is_accepted_once()
    {
        var (challenges, challenge) = ClaimChallenges.None.Issue(Now);
        var (after, error) = challenges.Consume(challenge.Nonce, Now.AddMinutes(1));
        Assert.Null(error);
        Assert.Equal(CertificateError.InvalidNonce, after.Consume(challenge.Nonce, Now.AddMinutes(1)).Error!.Code);
    }

    [Fact]
    public void A_challenge_nonce_expires_after_five_minutes()
    {
        var (challenges, challenge) = ClaimChallenges.None.Issue(Now);
        Assert.Equal(Now.AddMinutes(5), challenge.ExpiresAt);
        var (_, error) = challenges.Consume(challenge.Nonce, Now.AddMinutes(5).AddSeconds(1));
        Assert.Contains("expired", error!.Details);
    }

    [Fact]
    public void Nonces_are_fresh_and_an_unknown_one_is_refused()
    {
        var (once, a) = ClaimChallenges.None.Issue(Now);
        var (_, b) = once.Issue(Now);
        Assert.NotEqual(a.Nonce, b.Nonce);
        Assert.Equal(CertificateError.InvalidNonce, once.Consume("made-up", Now).Error!.Code);
    }

    [Fact]
    public void The_access_token_is_kept_only_as_its_hash_and_matches_only_itself()
    {
        var (token, hash) = AccessToken.Create();
        Assert.Equal(32, hash.Length);
        Assert.DoesNotContain(token, Convert.ToBase64String(hash));
        Assert.True(AccessToken.Matches(hash, token));
        Assert.False(AccessToken.Matches(hash, token + "x"));
        Assert.False(AccessToken.Matches(hash, null));
    }
}
