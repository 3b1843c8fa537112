using System.Security.Cryptography;
using Akka.Actor;
using Akka.DistributedData;
using Akka.TestKit;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

/// <summary>The trust store and blacklist spreading through a cluster of real actor systems, each with its own SQLite store.</summary>
public sealed class MeshTrustSpecs
{
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(30);

    private static CertificateDetails Details(AuthorityHost node, string fingerprint) =>
        node.Send<CertificateDetails>(new GetCertificate(fingerprint));

    private static bool Knows(AuthorityHost node, string fingerprint) =>
        node.Send<CertificateList>(ListCertificates.Instance).Certificates.Any(c => c.Fingerprint == fingerprint);

    private static BlacklistEntry? BlacklistedOn(AuthorityHost node, string fingerprint) => Details(node, fingerprint).Blacklisted;

    [Fact]
    public async Task A_certificate_issued_on_one_node_is_valid_on_another_whose_owner_trusts_a_different_root()
    {
        await using var mesh = await TrustMesh.StartAsync(2);
        TrustMesh.ClaimAndActivate(mesh.Nodes[0], "K1AAA");
        TrustMesh.ClaimAndActivate(mesh.Nodes[1], "K2BBB");
        var station = TrustMesh.Issue(mesh.Nodes[0], "W1STA");

        await TrustMesh.Eventually(() =>
        {
            var nonce = Guid.NewGuid().ToString("N");
            var verified = mesh.Nodes[1].Send<ICertificateAuthorityReply>(station.Proof(nonce));
            Assert.Equal("W1STA", Assert.IsType<StationVerified>(verified).Callsign);
        }, Spread);
    }

    [Fact]
    public async Task A_blacklisting_on_one_node_is_seen_on_every_node_and_kept_by_a_node_that_restarts_alone()
    {
        await using var mesh = await TrustMesh.StartAsync(3);
        TrustMesh.ClaimAndActivate(mesh.Nodes[0], "K1AAA");
        TrustMesh.ClaimAndActivate(mesh.Nodes[1], "K2BBB");
        var station = TrustMesh.Issue(mesh.Nodes[0], "W1STA");
        await TrustMesh.Eventually(() => Assert.True(Knows(mesh.Nodes[1], station.Fingerprint)), Spread);

        mesh.Nodes[0].Send<BlacklistAccepted>(new BlacklistCertificate(station.Fingerprint, "key stolen"));

        await TrustMesh.Eventually(() =>
        {
            Assert.Equal("key stolen", BlacklistedOn(mesh.Nodes[1], station.Fingerprint)?.Reason);
            Assert.Equal("key stolen", BlacklistedOn(mesh.Nodes[2], station.Fingerprint)?.Reason);
        }, Spread);
        var refused = mesh.Nodes[1].Send<ICertificateAuthorityReply>(station.Proof("nonce-1"));
        Assert.Equal(CertificateError.Blacklisted, Assert.IsType<CertificateRefused>(refused).Error.Code);

        var alone = await mesh.RestartAloneAsync(1);
        Assert.Equal("key stolen", BlacklistedOn(alone, station.Fingerprint)?.Reason);
        Assert.Equal(CertificateError.Blacklisted,
            Assert.IsType<CertificateRefused>(alone.Send<ICertificateAuthorityReply>(station.Proof("nonce-2"))).Error.Code);
    }

    [Fact]
    public async Task Both_sides_of_a_60_second_partition_issue_and_blacklist_and_after_the_heal_every_node_has_every_entry()
    {
        await using var mesh = await TrustMesh.StartAsync(3);
        TrustMesh.ClaimAndActivate(mesh.Nodes[0], "K1AAA");
        TrustMesh.ClaimAndActivate(mesh.Nodes[2], "K3CCC");
        var before = TrustMesh.Issue(mesh.Nodes[0], "W1OLD");
        await TrustMesh.Eventually(() => Assert.True(Knows(mesh.Nodes[2], before.Fingerprint)), Spread);

        mesh.Cut([2], cut: true);
        var cutAt = DateTime.UtcNow;
        var majority = new List<IssuedStation>();
        var minority = new List<IssuedStation>();
        for (var i = 0; i < 5; i++)
        {
            majority.Add(TrustMesh.Issue(mesh.Nodes[0], $"W1M{(char)('A' + i)}"));
            minority.Add(TrustMesh.Issue(mesh.Nodes[2], $"W3N{(char)('A' + i)}"));
        }
        mesh.Nodes[0].Send<BlacklistAccepted>(new BlacklistCertificate(majority[0].Fingerprint, "majority side"));
        mesh.Nodes[0].Send<BlacklistAccepted>(new BlacklistCertificate(before.Fingerprint, "old key"));
        mesh.Nodes[2].Send<BlacklistAccepted>(new BlacklistCertificate(minority[0].Fingerprint, "minority side"));

        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.False(Knows(mesh.Nodes[2], majority[1].Fingerprint), "the cut let the majority's certificates through");
        Assert.False(Knows(mesh.Nodes[1], minority[1].Fingerprint), "the cut let the minority's certificates through");
        Assert.Null(BlacklistedOn(mesh.Nodes[2], before.Fingerprint));
        var remaining = TimeSpan.FromSeconds(60) - (DateTime.UtcNow - cutAt);
        if (remaining > TimeSpan.Zero)
            await Task.Delay(remaining);

        mesh.Cut([2], cut: false);
        await mesh.AllUpAsync();
        await TrustMesh.Eventually(() =>
        {
            foreach (var node in mesh.Nodes)
            {
                Assert.All(majority.Concat(minority).Append(before), station => Assert.True(Knows(node, station.Fingerprint)));
                Assert.Equal("majority side", BlacklistedOn(node, majority[0].Fingerprint)?.Reason);
                Assert.Equal("old key", BlacklistedOn(node, before.Fingerprint)?.Reason);
                Assert.Equal("minority side", BlacklistedOn(node, minority[0].Fingerprint)?.Reason);
            }
        }, Spread);
    }

    [Fact]
    public async Task A_tampered_or_forged_entry_from_another_node_is_rejected_logged_and_never_stored()
    {
        await using var mesh = await TrustMesh.StartAsync(2);
        TrustMesh.ClaimAndActivate(mesh.Nodes[0], "K1AAA");
        var station = TrustMesh.Issue(mesh.Nodes[0], "W1STA");
        await TrustMesh.Eventually(() => Assert.True(Knows(mesh.Nodes[1], station.Fingerprint)), Spread);
        var storedBefore = mesh.Nodes[1].Send<MeshTrustStatus>(GetMeshTrustStatus.Instance).Stored;

        using var rogueKey = NodeKeys.Fresh();
        var honest = TrustEntries.Sign(new BlacklistFact(station.Fingerprint, "honest", DateTimeOffset.UtcNow), rogueKey);
        var tampered = honest with { Payload = honest.Payload.Replace("honest", "forged") };
        var forgedCertificate = TrustEntries.Sign(new CertificateFact(ForgedStation().RawData, [TestPki.Root().Certificate.RawData]), rogueKey);

        var receiver = new Akka.TestKit.Xunit2.TestKit(mesh.Nodes[1].System);
        receiver.EventFilter.Warning(contains: "Rejected a trust entry").Expect(2, TimeSpan.FromSeconds(30), () =>
        {
            // What a rogue or broken node would do: write straight into the replicated sets.
            var replicator = DistributedData.Get(mesh.Nodes[0].System).Replicator;
            foreach (var entry in new[] { tampered, forgedCertificate })
                replicator.Tell(Dsl.Update(MeshTrustActor.KeyOf(MeshTrustActor.BucketOf(entry)), GSet<SignedTrustEntry>.Empty,
                    WriteLocal.Instance, set => set.Add(entry)));
        });

        var status = mesh.Nodes[1].Send<MeshTrustStatus>(GetMeshTrustStatus.Instance);
        Assert.Equal(2, status.Rejected);
        Assert.Equal(storedBefore, status.Stored);
        Assert.Null(BlacklistedOn(mesh.Nodes[1], station.Fingerprint));

        var restarted = await mesh.RestartAloneAsync(1);
        Assert.Null(BlacklistedOn(restarted, station.Fingerprint));
        Assert.Equal(storedBefore, restarted.Send<MeshTrustStatus>(GetMeshTrustStatus.Instance).Stored);
    }

    /// <summary>A station certificate that names a root as its issuer but was signed by another key.</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 ForgedStation()
    {
        var impostor = TestPki.Root();
        return TestPki.Station(impostor, "W9FAKE", "W9FAKE").Certificate;
    }
}
