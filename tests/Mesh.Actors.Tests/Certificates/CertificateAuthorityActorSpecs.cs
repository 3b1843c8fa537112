using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit;
using Mesh.Actors.Certificates;
using Mesh.Actors.Signaling;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

/// <summary>The persistent certificate authority against a real SQLite file; restarts are new actor systems on the same file.</summary>
public sealed class CertificateAuthorityActorSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-ca-spec-").FullName;
    private readonly TestCertificate _root = TestPki.Root();
    private readonly TestCertificate _owner;

    public CertificateAuthorityActorSpecs()
    {
        _owner = TestPki.Intermediate(_root, "K1OWN");
        Directory.CreateDirectory(Path.Combine(_directory, "certs", "roots"));
        File.WriteAllText(Path.Combine(_directory, "certs", "roots", "root.pem"), _root.Pem);
    }

    private static T Send<T>(AuthorityHost host, object message) => host.Send<T>(message);

    private static string Claim(AuthorityHost host, TestCertificate owner, IReadOnlyList<string> chain)
    {
        var challenge = Send<ClaimChallengeIssued>(host, GetClaimChallenge.Instance);
        var accepted = Send<ClaimAccepted>(host, new ClaimStation(owner.Pem, chain, "K1OWN", null, challenge.Nonce, owner.Sign(challenge.Nonce)));
        return accepted.AccessToken;
    }

    private void Activate(AuthorityHost host)
    {
        var csr = Send<NodeCsr>(host, GetNodeCsr.Instance);
        var nodeCertificate = OwnerDevice.SignNodeCsr(_owner, csr.CsrPem);
        Send<NodeCertificateAccepted>(host, new InstallNodeCertificate(nodeCertificate.ExportCertificatePem(), [_owner.Pem]));
    }

    private static IssueCertificate IssueFor(string callsign) =>
        new(TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256), TestPki.Subject(null, callsign)), new ProofOfLicense(callsign, "general", null));

    [Fact]
    public async Task A_claim_needs_a_fresh_nonce_and_the_nonce_works_only_once()
    {
        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var challenge = Send<ClaimChallengeIssued>(host, GetClaimChallenge.Instance);
        var other = TestPki.Intermediate(_root, "K1OWN");
        var wrongProof = new ClaimStation(_owner.Pem, [], "K1OWN", null, challenge.Nonce, other.Sign(challenge.Nonce));
        Assert.Equal(CertificateError.InvalidProof, Send<CertificateRefused>(host, wrongProof).Error.Code);

        var retry = wrongProof with { Signature = _owner.Sign(challenge.Nonce) };
        Assert.Equal(CertificateError.InvalidNonce, Send<CertificateRefused>(host, retry).Error.Code);
        Assert.Equal(NodePhase.Unclaimed, Send<AuthorityStatus>(host, GetAuthorityStatus.Instance).Phase);
    }

    [Fact]
    public async Task A_second_claim_is_refused_and_the_first_owner_keeps_the_node()
    {
        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var token = Claim(host, _owner, []);
        var challenge = Send<ClaimChallengeIssued>(host, GetClaimChallenge.Instance);
        var rival = TestPki.Intermediate(_root, "W9XYZ");
        var refused = Send<CertificateRefused>(host, new ClaimStation(rival.Pem, [], "W9XYZ", null, challenge.Nonce, rival.Sign(challenge.Nonce)));
        Assert.Equal(CertificateError.AlreadyClaimed, refused.Error.Code);
        Assert.Equal("K1OWN", Send<AuthorityStatus>(host, GetAuthorityStatus.Instance).Owner);
        Assert.Equal(OwnerVerdict.Owner, Send<OwnerCheck>(host, new CheckOwnerToken(token)).Verdict);
    }

    [Fact]
    public async Task A_restarted_node_still_has_its_claim_node_certificate_issued_certificates_and_blacklist()
    {
        string token, issuedFingerprint, blacklistedFingerprint;
        var settings = AuthorityHost.Settings(_directory);
        await using (var host = await AuthorityHost.StartAsync(settings))
        {
            token = Claim(host, _owner, []);
            Activate(host);
            issuedFingerprint = Send<CertificateIssuedReply>(host, IssueFor("K1ABC")).Fingerprint;
            blacklistedFingerprint = Send<CertificateIssuedReply>(host, IssueFor("K2ABC")).Fingerprint;
            Send<BlacklistAccepted>(host, new BlacklistCertificate(blacklistedFingerprint, "key stolen"));
        }

        await using (var restarted = await AuthorityHost.StartAsync(settings))
        {
            var status = Send<AuthorityStatus>(restarted, GetAuthorityStatus.Instance);
            Assert.Equal(NodePhase.Active, status.Phase);
            Assert.Equal("K1OWN", status.Owner);
            Assert.True(status.CanIssue);
            Assert.Equal(OwnerVerdict.Owner, Send<OwnerCheck>(restarted, new CheckOwnerToken(token)).Verdict);
            Assert.Equal("K1ABC", Send<CertificateDetails>(restarted, new GetCertificate(issuedFingerprint)).Extensions.Callsign);
            Assert.Equal("key stolen", Send<CertificateDetails>(restarted, new GetCertificate(blacklistedFingerprint)).Blacklisted?.Reason);
            Send<CertificateIssuedReply>(restarted, IssueFor("K3ABC"));
        }
    }

    [Fact]
    public async Task Recovery_from_a_snapshot_and_the_events_after_it_loses_nothing()
    {
        var settings = AuthorityHost.Settings(_directory, perHour: 1000, snapshotEvery: 5);
        var issued = new List<string>();
        await using (var host = await AuthorityHost.StartAsync(settings))
        {
            Claim(host, _owner, []);
            Activate(host);
            for (var i = 0; i < 12; i++)
                issued.Add(Send<CertificateIssuedReply>(host, IssueFor($"K{i}ABC")).Fingerprint);
            await Task.Delay(500);
        }

        using (var connection = new SqliteConnection($"Data Source={settings.DatabasePath}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM snapshot";
            Assert.True((long)command.ExecuteScalar()! >= 1);
        }

        await using var restarted = await AuthorityHost.StartAsync(settings);
        var listed = Send<CertificateList>(restarted, ListCertificates.Instance).Certificates.Select(c => c.Fingerprint).ToHashSet();
        Assert.All(issued, fingerprint => Assert.Contains(fingerprint, listed));
        Assert.Equal(NodePhase.Active, Send<AuthorityStatus>(restarted, GetAuthorityStatus.Instance).Phase);
    }

    [Fact]
    public async Task Issuance_is_limited_per_hour_and_refused_requests_do_not_count()
    {
        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory, perHour: 2));
        Claim(host, _owner, []);
        Activate(host);
        Send<CertificateIssuedReply>(host, IssueFor("K1ABC"));
        var mismatched = IssueFor("K2ABC") with { Proof = new ProofOfLicense("W9XYZ", null, null) };
        Assert.Equal(CertificateError.CallsignMismatch, Send<CertificateRefused>(host, mismatched).Error.Code);
        Send<CertificateIssuedReply>(host, IssueFor("K2ABC"));
        Assert.Equal(CertificateError.RateLimited, Send<CertificateRefused>(host, IssueFor("K3ABC")).Error.Code);
    }

    [Fact]
    public async Task A_station_with_a_valid_chain_registers_as_licensed_until_its_certificate_is_blacklisted()
    {
        await using var host = await AuthorityHost.StartAsync(AuthorityHost.Settings(_directory));
        var station = TestPki.Station(_owner, "K1ABC", "K1ABC");
        var pem = station.Pem + "\n" + _owner.Pem;
        var verify = new License.Verify("K1ABC", pem, station.Sign("hello"), "hello");
        Assert.Equal("K1ABC", Send<License.Verified>(host, verify).Callsign);
        Assert.NotNull(Send<License.Rejected>(host, verify with { Callsign = "W9XYZ" }).Reason);

        Send<CertificateAdded>(host, new AddCertificate(station.Pem, [_owner.Pem]));
        Send<BlacklistAccepted>(host, new BlacklistCertificate(station.Fingerprint, "revoked"));
        Assert.Contains("blacklisted", Send<License.Rejected>(host, verify).Reason);
    }

    [Fact]
    public async Task The_journal_lives_in_a_WAL_mode_SQLite_file_in_the_data_dir()
    {
        var settings = AuthorityHost.Settings(_directory);
        await using (var host = await AuthorityHost.StartAsync(settings))
            Send<ClaimChallengeIssued>(host, GetClaimChallenge.Instance);
        using var connection = new SqliteConnection($"Data Source={settings.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
