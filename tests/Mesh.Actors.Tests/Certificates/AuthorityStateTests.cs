using System.Collections.Immutable;
using System.Security.Cryptography;
using Mesh.Actors.Certificates;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AuthorityStateTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-ca-").FullName;
    private readonly NodeKey _nodeKey;
    private readonly TestCertificate _root = TestPki.Root();
    private readonly TestCertificate _owner;

    public AuthorityStateTests()
    {
        _nodeKey = NodeKey.LoadOrCreate(_directory);
        _owner = TestPki.Intermediate(_root, "K1OWN");
    }

    private AuthorityContext Context(CertificateAuthorityState state, DateTimeOffset? now = null, int perHour = 10, params TestCertificate[] roots)
    {
        var configured = (roots.Length == 0 ? [_root] : roots).Select(r => TrustedRoot.Of(r.Certificate));
        var validator = new ChainValidator(state.Roots(configured), state.BlacklistedFingerprints());
        return new AuthorityContext(now ?? Now, validator, validator.HasRoots, _nodeKey, perHour, TimeSpan.FromDays(3650));
    }

    private static CertificateAuthorityState Run(CertificateAuthorityState state, Decision decision) =>
        decision.Events.Aggregate(state, (s, e) => s.Apply(e));

    private ClaimStation ClaimBy(TestCertificate owner, IReadOnlyList<string> chain, string callsign = "K1OWN") =>
        new(owner.Pem, chain, callsign, """{"grid":"FN42"}""", "the-nonce", owner.Sign("the-nonce"));

    private (CertificateAuthorityState State, string Token) Claimed()
    {
        var decision = CertificateAuthorityState.Empty.Handle(ClaimBy(_owner, [_root.Pem]), Context(CertificateAuthorityState.Empty));
        var accepted = Assert.IsType<ClaimAccepted>(decision.Reply);
        return (Run(CertificateAuthorityState.Empty, decision), accepted.AccessToken);
    }

    private CertificateAuthorityState Active()
    {
        var (state, _) = Claimed();
        var nodeCertificate = TestPki.Issue(_owner, TestPki.Subject(null, "mesh-node"), _nodeKey.Key, ca: true, pathLength: 0);
        var decision = state.Handle(new InstallNodeCertificate(nodeCertificate.Pem, [_owner.Pem, _root.Pem]), Context(state));
        Assert.IsType<NodeCertificateAccepted>(decision.Reply);
        return Run(state, decision);
    }

    private IssueCertificate IssueFor(string callsign, string proofCallsign, string? licenseClass = "extra") =>
        new(TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256), TestPki.Subject(callsign, callsign)),
            new ProofOfLicense(proofCallsign, licenseClass, "ULS"));

    [Fact]
    public void The_first_operator_with_a_valid_chain_and_proof_claims_the_node()
    {
        var (state, token) = Claimed();
        Assert.Equal(NodePhase.Claimed, state.Phase);
        Assert.Equal("K1OWN", state.Owner!.Callsign);
        Assert.Equal(OwnerVerdict.Owner, state.CheckOwner(token).Verdict);
        Assert.Equal(OwnerVerdict.Wrong, state.CheckOwner("guess").Verdict);
        Assert.Equal(OwnerVerdict.Missing, state.CheckOwner(null).Verdict);
    }

    [Fact]
    public void A_second_claim_is_refused()
    {
        var (state, _) = Claimed();
        var decision = state.Handle(ClaimBy(_owner, [_root.Pem]), Context(state));
        Assert.Equal(CertificateError.AlreadyClaimed, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_claim_without_proof_of_the_key_is_refused()
    {
        var other = TestPki.Intermediate(_root, "K1OWN");
        var claim = ClaimBy(_owner, [_root.Pem]) with { Signature = other.Sign("the-nonce") };
        var decision = CertificateAuthorityState.Empty.Handle(claim, Context(CertificateAuthorityState.Empty));
        Assert.Equal(CertificateError.InvalidProof, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void A_claim_for_another_callsign_than_the_certificates_is_refused()
    {
        var decision = CertificateAuthorityState.Empty.Handle(ClaimBy(_owner, [_root.Pem], "W9XYZ"), Context(CertificateAuthorityState.Empty));
        Assert.Equal(CertificateError.CallsignMismatch, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void With_no_roots_configured_the_claimants_self_signed_CA_becomes_the_root()
    {
        var selfSigned = TestPki.SelfSignedOperator("K1OWN");
        var empty = CertificateAuthorityState.Empty;
        var context = new AuthorityContext(Now, new ChainValidator([], ImmutableHashSet<string>.Empty), HasLocalRoots: false, _nodeKey, 10, TimeSpan.FromDays(1));
        var decision = empty.Handle(ClaimBy(selfSigned, []), context);
        Assert.IsType<ClaimAccepted>(decision.Reply);
        var state = Run(empty, decision);
        Assert.Equal(selfSigned.Fingerprint, state.BootstrapRootFingerprint);
        Assert.Equal(TrustLevel.Root, state.Certificates[selfSigned.Fingerprint].Level);
        Assert.Single(state.Roots([]));
    }

    [Fact]
    public void In_bootstrap_mode_a_chain_that_does_not_end_at_a_self_signed_CA_is_refused()
    {
        var station = TestPki.Station(_owner, "K1ABC", "K1ABC");
        var context = new AuthorityContext(Now, new ChainValidator([], ImmutableHashSet<string>.Empty), HasLocalRoots: false, _nodeKey, 10, TimeSpan.FromDays(1));
        var decision = CertificateAuthorityState.Empty.Handle(ClaimBy(station, [], "K1ABC"), context);
        Assert.Equal(CertificateError.UntrustedRoot, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void A_node_certificate_for_another_key_is_refused()
    {
        var (state, _) = Claimed();
        var wrong = TestPki.Intermediate(_owner, "K1OWN", 0);
        var decision = state.Handle(new InstallNodeCertificate(wrong.Pem, [_owner.Pem]), Context(state));
        Assert.Equal(CertificateError.InvalidCertificate, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void An_active_node_issues_a_station_certificate_for_the_CSRs_callsign()
    {
        var state = Active();
        Assert.Equal(NodePhase.Active, state.Phase);
        var decision = state.Handle(IssueFor("K1ABC", "k1abc"), Context(state));
        var issued = Assert.IsType<CertificateIssuedReply>(decision.Reply);
        var after = Run(state, decision);
        Assert.Equal("K1ABC", after.Certificates[issued.Fingerprint].Callsign);
        Assert.Equal(3, issued.ChainPems.Count);
        var validation = Context(after).Validator.Validate(
            CertificateFiles.ParseSinglePem(issued.CertificatePem).Certificate!,
            issued.ChainPems.Select(p => CertificateFiles.ParseSinglePem(p).Certificate!).ToList());
        Assert.True(validation.IsValid, validation.Error?.Details);
        Assert.Equal("extra", validation.Chain!.Leaf.LicenseClass);
    }

    [Fact]
    public void A_proof_of_license_without_a_callsign_leaves_the_CSRs_callsign_to_the_owner()
    {
        var state = Active();
        var command = IssueFor("K1ABC", "K1ABC") with { Proof = new ProofOfLicense(null, null, "FCC ULS 0001234567") };
        var issued = Assert.IsType<CertificateIssuedReply>(state.Handle(command, Context(state)).Reply);
        Assert.Contains("CN=K1ABC", CertificateFiles.ParseSinglePem(issued.CertificatePem).Certificate!.Subject);
    }

    [Fact]
    public void A_claimed_node_without_a_node_certificate_cannot_issue()
    {
        var (state, _) = Claimed();
        var decision = state.Handle(IssueFor("K1ABC", "K1ABC"), Context(state));
        Assert.Equal(CertificateError.NotCertificateAuthority, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void A_CSR_for_another_callsign_than_the_proof_of_license_is_refused()
    {
        var state = Active();
        var decision = state.Handle(IssueFor("W9XYZ", "K1ABC"), Context(state));
        Assert.Equal(CertificateError.CallsignMismatch, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Issuance_stops_at_the_hourly_limit_and_refused_requests_do_not_count()
    {
        var state = Active();
        for (var i = 0; i < 3; i++)
        {
            state.Handle(IssueFor("W9XYZ", "K1ABC"), Context(state, perHour: 3));
            state = Run(state, state.Handle(IssueFor($"K{i}ABC", $"K{i}ABC"), Context(state, Now.AddMinutes(i), perHour: 3)));
        }
        var over = state.Handle(IssueFor("K5ABC", "K5ABC"), Context(state, Now.AddMinutes(10), perHour: 3));
        Assert.Equal(CertificateError.RateLimited, Assert.IsType<CertificateRefused>(over.Reply).Error.Code);
        var hourLater = state.Handle(IssueFor("K5ABC", "K5ABC"), Context(state, Now.AddMinutes(61), perHour: 3));
        Assert.IsType<CertificateIssuedReply>(hourLater.Reply);
    }

    [Fact]
    public void Blacklisting_the_owner_stops_the_node_from_issuing()
    {
        var state = Active();
        var blacklist = state.Handle(new BlacklistCertificate(_owner.Fingerprint.ToUpperInvariant(), "key lost"), Context(state));
        Assert.IsType<BlacklistAccepted>(blacklist.Reply);
        state = Run(state, blacklist);
        Assert.Equal("key lost", state.Blacklist[_owner.Fingerprint].Reason);
        var decision = state.Handle(IssueFor("K1ABC", "K1ABC"), Context(state));
        Assert.Equal(CertificateError.NotCertificateAuthority, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void Blacklisting_an_unknown_fingerprint_is_not_found()
    {
        var decision = CertificateAuthorityState.Empty.Handle(new BlacklistCertificate(new string('a', 64), "x"), Context(CertificateAuthorityState.Empty));
        Assert.Equal(CertificateError.NotFound, Assert.IsType<CertificateRefused>(decision.Reply).Error.Code);
    }

    [Fact]
    public void A_certificate_added_with_a_valid_chain_is_listed_and_described()
    {
        var station = TestPki.Station(_owner, "K1ABC", "K1ABC");
        var state = CertificateAuthorityState.Empty;
        var decision = state.Handle(new AddCertificate(station.Pem, [_owner.Pem]), Context(state));
        var added = Assert.IsType<CertificateAdded>(decision.Reply);
        Assert.Equal(TrustLevel.Peer, added.Certificate.TrustLevel);
        state = Run(state, decision);

        var list = state.List(Context(state)).Certificates;
        Assert.Contains(list, c => c.Fingerprint == station.Fingerprint && c.Callsign == "K1ABC");
        Assert.Contains(list, c => c.Fingerprint == _owner.Fingerprint && c.TrustLevel == TrustLevel.Intermediate);
        Assert.Contains(list, c => c.Fingerprint == _root.Fingerprint && c.TrustLevel == TrustLevel.Root);

        var details = Assert.IsType<CertificateDetails>(state.Details(station.Fingerprint, Context(state)));
        Assert.Equal([_owner.Fingerprint, _root.Fingerprint], details.Extensions.IssuerChain);
        Assert.Equal("K1ABC", details.Extensions.Callsign);
        Assert.IsType<CertificateRefused>(state.Details(new string('0', 64), Context(state)));
    }

    [Fact]
    public void A_certificate_with_a_bad_chain_is_not_added()
    {
        var station = TestPki.Station(TestPki.Intermediate(TestPki.Root(), "K1OWN"), "K1ABC", "K1ABC");
        var decision = CertificateAuthorityState.Empty.Handle(new AddCertificate(station.Pem, [_owner.Pem]), Context(CertificateAuthorityState.Empty));
        Assert.IsType<CertificateRefused>(decision.Reply);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void A_station_proving_its_certificate_is_verified_and_a_blacklisted_one_is_not()
    {
        var station = TestPki.Station(_owner, "K1ABC", "K1ABC");
        var query = new VerifyStation(station.Pem, [_owner.Pem], "hello-nonce", station.Sign("hello-nonce", DSASignatureFormat.Rfc3279DerSequence));
        var state = CertificateAuthorityState.Empty;
        Assert.Equal("K1ABC", Assert.IsType<StationVerified>(state.Verify(query, Context(state))).Callsign);

        state = Run(state, state.Handle(new AddCertificate(station.Pem, [_owner.Pem]), Context(state)));
        state = Run(state, state.Handle(new BlacklistCertificate(station.Fingerprint, "stolen"), Context(state)));
        Assert.Equal(CertificateError.Blacklisted, Assert.IsType<CertificateRefused>(state.Verify(query, Context(state))).Error.Code);
    }

    [Fact]
    public void Roots_learned_from_the_mesh_do_not_end_bootstrap_mode_so_a_new_node_can_still_be_claimed()
    {
        var selfSigned = TestPki.SelfSignedOperator("K1OWN");
        var meshOnly = new ChainValidator([TrustedRoot.Of(_root.Certificate)], ImmutableHashSet<string>.Empty);
        var context = new AuthorityContext(Now, meshOnly, HasLocalRoots: false, _nodeKey, 10, TimeSpan.FromDays(1));
        var decision = CertificateAuthorityState.Empty.Handle(ClaimBy(selfSigned, []), context);
        Assert.IsType<ClaimAccepted>(decision.Reply);
        Assert.Equal(selfSigned.Fingerprint, Run(CertificateAuthorityState.Empty, decision).BootstrapRootFingerprint);
    }

    [Fact]
    public void The_trust_facts_of_an_active_authority_are_its_roots_its_certificates_with_whole_chains_and_its_blacklist()
    {
        var state = Active();
        var issue = state.Handle(IssueFor("W1ABC", "W1ABC"), Context(state));
        var issued = Assert.IsType<CertificateIssuedReply>(issue.Reply);
        state = Run(state, issue);
        var blacklist = state.Handle(new BlacklistCertificate(issued.Fingerprint, "key stolen"), Context(state));
        state = Run(state, blacklist);
        IReadOnlyList<TrustedRoot> configured = [TrustedRoot.Of(_root.Certificate)];

        var facts = state.TrustFacts(configured).ToList();

        Assert.Contains(facts, f => f.Identity == $"anchor:{_root.Fingerprint}");
        Assert.Contains(facts, f => f.Identity == $"certificate:{_owner.Fingerprint}");
        Assert.Contains(facts, f => f.Identity == $"certificate:{state.NodeCertificateFingerprint}");
        Assert.Contains(facts, f => f.Identity == $"blacklist:{issued.Fingerprint}");
        var issuedFact = Assert.IsType<CertificateFact>(facts.Single(f => f.Identity == $"certificate:{issued.Fingerprint}"));
        Assert.Equal(_root.Certificate.RawData, issuedFact.Chain[^1]);
        Assert.All(facts, fact => Assert.NotNull(TrustEntries.Open(TrustEntries.Sign(fact, _nodeKey)).Opened));
        Assert.Equal(facts.Where(f => f.Identity.StartsWith("blacklist:")).Select(f => f.Identity),
            blacklist.Events.SelectMany(e => state.TrustFactsOf(e, configured)).Select(f => f.Identity));
    }

    [Fact]
    public void An_anchor_that_arrived_first_as_a_certificate_is_listed_as_a_root()
    {
        var state = CertificateAuthorityState.Empty;
        var adopted = state
            .Adopt(new CertificateFact(_root.Certificate.RawData, []))
            .Adopt(new AnchorFact(_root.Certificate.RawData, IsLotw: false));
        Assert.Equal(TrustLevel.Root, adopted.Certificates[_root.Fingerprint].Level);
    }

    [Fact]
    public void An_adopted_certificate_and_blacklisting_are_known_and_refuse_validation()
    {
        var state = Active();
        var station = TestPki.Station(_owner, "W1ABC", "W1ABC");
        var adopted = state
            .Adopt(new CertificateFact(station.Certificate.RawData, [_owner.Certificate.RawData, _root.Certificate.RawData]))
            .Adopt(new BlacklistFact(station.Fingerprint, "key stolen", Now));

        Assert.Contains(adopted.List(Context(adopted)).Certificates, c => c.Fingerprint == station.Fingerprint && c.TrustLevel == TrustLevel.Peer);
        var refused = adopted.Verify(new VerifyStation(station.Pem, [_owner.Pem], "n", station.Sign("n")), Context(adopted));
        Assert.Equal(CertificateError.Blacklisted, Assert.IsType<CertificateRefused>(refused).Error.Code);
    }

    public void Dispose()
    {
        _nodeKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
