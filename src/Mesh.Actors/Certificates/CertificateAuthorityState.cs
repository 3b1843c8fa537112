// The certificate authority's state and decisions, free of any actor: Handle(command) gives events and a reply,
// Apply(event) gives the next state.
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Actors.Certificates;

/// <summary>A certificate the node knows, linked to its issuer so chains are shared rather than copied per certificate.</summary>
public sealed record StoredCertificate(string Fingerprint, byte[] Der, string? IssuerFingerprint, TrustLevel Level, string? Callsign, string? LicenseClass);

public sealed record OwnerRecord(string Callsign, string CertificateFingerprint, string? Metadata);

/// <summary>What a decision may depend on besides the state: the clock, the trust anchors, the node's key, the limits.</summary>
/// <param name="Issuer">the node certificate and its chain already parsed, kept by the actor because parsing costs more than signing.</param>
/// <param name="HasLocalRoots">roots of this node's own (configured, or its claimant's): without them a claim bootstraps, whatever the mesh trusts.</param>
public sealed record AuthorityContext(DateTimeOffset Now, ChainValidator Validator, bool HasLocalRoots, NodeKey NodeKey, int IssuancePerHour,
    TimeSpan IssuedLifetime, NodeIssuer? Issuer = null);

/// <summary>The node certificate and the chain above it, parsed.</summary>
public sealed record NodeIssuer(string Fingerprint, X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain)
{
    public static NodeIssuer? From(CertificateAuthorityState state)
    {
        if (state.NodeCertificateFingerprint is not { } fingerprint || !state.Certificates.TryGetValue(fingerprint, out var node))
            return null;
        return new NodeIssuer(fingerprint, X509CertificateLoader.LoadCertificate(node.Der),
            state.ChainOf(fingerprint).Select(s => X509CertificateLoader.LoadCertificate(s.Der)).ToList());
    }
}

public sealed record Decision(IReadOnlyList<ICertificateAuthorityEvent> Events, ICertificateAuthorityReply Reply)
{
    public static Decision Answer(ICertificateAuthorityReply reply) => new([], reply);
    public static Decision Refuse(string code, string details) => new([], new CertificateRefused(code, details));
    public static Decision Refuse(CertificateError error) => new([], new CertificateRefused(error));
}

public sealed record CertificateAuthorityState(
    NodePhase Phase,
    OwnerRecord? Owner,
    byte[]? AccessTokenHash,
    string? BootstrapRootFingerprint,
    string? NodeCertificateFingerprint,
    ImmutableDictionary<string, StoredCertificate> Certificates,
    ImmutableDictionary<string, BlacklistEntry> Blacklist,
    ImmutableQueue<DateTimeOffset> RecentIssuances,
    int RecentIssuanceCount,
    long IssuedTotal)
{
    public const int MostChainEntries = 16;
    private static readonly TimeSpan IssuanceWindow = TimeSpan.FromHours(1);

    public static CertificateAuthorityState Empty { get; } = new(
        NodePhase.Unclaimed, null, null, null, null,
        ImmutableDictionary<string, StoredCertificate>.Empty,
        ImmutableDictionary<string, BlacklistEntry>.Empty,
        ImmutableQueue<DateTimeOffset>.Empty, 0, 0);

    /// <summary>The roots a validator for this state needs: the configured ones and, in bootstrap mode, the claimant's.</summary>
    public IEnumerable<TrustedRoot> Roots(IEnumerable<TrustedRoot> configured)
    {
        foreach (var root in configured)
            yield return root;
        if (BootstrapRootFingerprint is not null && Certificates.TryGetValue(BootstrapRootFingerprint, out var bootstrap))
            yield return TrustedRoot.Of(X509CertificateLoader.LoadCertificate(bootstrap.Der));
    }

    public IImmutableSet<string> BlacklistedFingerprints() => Blacklist.Keys.ToImmutableHashSet();

    // Commands

    /// <summary>The nonce has already been taken out of the outstanding challenges by the caller.</summary>
    public Decision Handle(ClaimStation command, AuthorityContext context)
    {
        if (Phase != NodePhase.Unclaimed)
            return Decision.Refuse(CertificateError.AlreadyClaimed, $"This node is already claimed by {Owner?.Callsign}.");
        var (certificate, chain, error) = ParseWithChain(command.CertificatePem, command.ChainPems);
        if (error is not null)
            return Decision.Refuse(error);
        if (!Callsign.TryParse(command.Callsign, out var claimed))
            return Decision.Refuse(CertificateError.InvalidRequest, "station.callsign is not a callsign.");
        if (command.Metadata is { Length: > 4096 })
            return Decision.Refuse(CertificateError.InvalidRequest, "station.metadata is larger than 4 KiB.");
        if (!ProofOfPossession.Verify(certificate!, command.Nonce ?? "", command.Signature))
            return Decision.Refuse(CertificateError.InvalidProof, "The signature over the nonce does not verify with the certificate's key.");

        var validator = context.Validator;
        X509Certificate2? bootstrapRoot = null;
        if (!context.HasLocalRoots)
        {
            // Bootstrap mode: trust on first use of the claimant's own self-signed CA certificate.
            var top = chain!.Count > 0 ? chain[^1] : certificate!;
            var topFacts = CertificateProfile.Read(top).Facts;
            if (topFacts is not { IsSelfSigned: true, CanIssue: true })
                return Decision.Refuse(CertificateError.UntrustedRoot,
                    "This node has no trusted roots yet, so the chain must end at the claimant's self-signed CA certificate.");
            bootstrapRoot = top;
            validator = validator.WithRoots([TrustedRoot.Of(top)]);
        }
        var validation = validator.Validate(certificate!, chain!);
        if (validation.Error is not null)
            return Decision.Refuse(validation.Error);
        var owner = validation.Chain!.Leaf.Callsign;
        if (owner is null)
            return Decision.Refuse(CertificateError.InvalidCertificate, "The certificate names no callsign.");
        if (owner.Value != claimed)
            return Decision.Refuse(CertificateError.CallsignMismatch, $"The certificate is for {owner}, not {claimed}.");

        var (token, hash) = AccessToken.Create();
        var path = validation.Chain.Path;
        var claimedEvent = new NodeClaimed(
            owner.Value.Value,
            path[0].RawData,
            path.Skip(1).Select(c => c.RawData).ToArray(),
            hash,
            command.Metadata,
            bootstrapRoot?.RawData,
            context.Now);
        return new Decision([claimedEvent], new ClaimAccepted(owner.Value.Value, token));
    }

    public Decision Handle(InstallNodeCertificate command, AuthorityContext context)
    {
        if (Phase == NodePhase.Unclaimed || Owner is null)
            return Decision.Refuse(CertificateError.NotClaimed, "The node must be claimed before it gets a node certificate.");
        var (certificate, chain, error) = ParseWithChain(command.CertificatePem, command.ChainPems);
        if (error is not null)
            return Decision.Refuse(error);
        if (!context.NodeKey.Matches(certificate!))
            return Decision.Refuse(CertificateError.InvalidCertificate, "The certificate is not for this node's key; sign the CSR from /api/node-csr.");
        var facts = CertificateProfile.Read(certificate!).Facts;
        if (facts is not { CanIssue: true })
            return Decision.Refuse(CertificateError.InvalidCertificate, "The node certificate must be a CA certificate (basicConstraints CA, keyUsage keyCertSign).");
        if (chain!.Count == 0 || CertificateProfile.Fingerprint(chain[0]) != Owner.CertificateFingerprint)
            return Decision.Refuse(CertificateError.InvalidChain, "The node certificate must be signed by the owner's certificate, given first in the chain.");
        var validation = context.Validator.Validate(certificate!, chain);
        if (validation.Error is not null)
            return Decision.Refuse(validation.Error);
        var installed = new NodeCertificateInstalled(certificate!.RawData, validation.Chain!.Path.Skip(1).Select(c => c.RawData).ToArray(), context.Now);
        return new Decision([installed], new NodeCertificateAccepted(facts.Fingerprint));
    }

    public Decision Handle(IssueCertificate command, AuthorityContext context)
    {
        var node = context.Issuer is { } cached && cached.Fingerprint == NodeCertificateFingerprint ? cached : NodeIssuer.From(this);
        if (node is null)
            return Decision.Refuse(CertificateError.NotCertificateAuthority, "This node holds no node certificate from its owner, so it cannot issue.");
        var nodeCertificate = node.Certificate;
        var nodeValidation = context.Validator.Validate(nodeCertificate, node.Chain);
        if (nodeValidation.Error is not null)
            return Decision.Refuse(CertificateError.NotCertificateAuthority, $"This node's own chain no longer validates: {nodeValidation.Error.Details}");

        var parsed = CertificateIssuance.ParseCsr(command.CsrPem);
        if (parsed.Error is not null)
            return Decision.Refuse(parsed.Error);
        var request = parsed.Request!;
        if (command.Proof is null)
            return Decision.Refuse(CertificateError.InvalidRequest, "proofOfLicense is missing.");
        if (command.Proof.Callsign is { } proofCallsign)
        {
            if (!Callsign.TryParse(proofCallsign, out var licensed))
                return Decision.Refuse(CertificateError.InvalidRequest, "proofOfLicense.callsign is not a callsign.");
            if (licensed != request.Callsign)
                return Decision.Refuse(CertificateError.CallsignMismatch, $"The CSR is for {request.Callsign} but the proof of license is for {licensed}.");
        }
        if (command.Proof.Reference is { Length: > 2048 })
            return Decision.Refuse(CertificateError.InvalidRequest, "proofOfLicense is longer than 2048 characters.");
        if (command.Proof.LicenseClass is { Length: > 64 })
            return Decision.Refuse(CertificateError.InvalidRequest, "proofOfLicense.licenseClass is longer than 64 characters.");
        if (IssuancesWithinHour(context.Now) >= context.IssuancePerHour)
            return Decision.Refuse(CertificateError.RateLimited, $"This node issues at most {context.IssuancePerHour} certificates an hour.");

        var issued = CertificateIssuance.IssueStation(request, command.Proof.LicenseClass, new Issuer(nodeCertificate, context.NodeKey.Key),
            context.Now, context.IssuedLifetime);
        var fingerprint = CertificateProfile.Fingerprint(issued);
        var issuedEvent = new CertificateIssued(issued.RawData, request.Callsign.Value, command.Proof.LicenseClass, node.Fingerprint, context.Now);
        var chainPems = nodeValidation.Chain!.Path.Select(CertificateFiles.ToPem).ToList();
        return new Decision([issuedEvent], new CertificateIssuedReply(fingerprint, CertificateFiles.ToPem(issued), chainPems));
    }

    public Decision Handle(AddCertificate command, AuthorityContext context)
    {
        var (certificate, chain, error) = ParseWithChain(command.CertificatePem, command.ChainPems);
        if (error is not null)
            return Decision.Refuse(error);
        var validation = context.Validator.Validate(certificate!, chain!);
        if (validation.Error is not null)
            return Decision.Refuse(validation.Error);
        var facts = validation.Chain!.Leaf;
        if (Certificates.TryGetValue(facts.Fingerprint, out var known))
            return Decision.Answer(new CertificateAdded(Summary(known), AlreadyKnown: true));
        var level = context.Validator.IsTrustedRoot(facts.Fingerprint) ? TrustLevel.Root
            : facts.CanIssue ? TrustLevel.Intermediate : TrustLevel.Peer;
        var trusted = new CertificateTrusted(certificate!.RawData, validation.Chain.Path.Skip(1).Select(c => c.RawData).ToArray(), level,
            facts.Callsign?.Value, facts.LicenseClass, context.Now);
        return new Decision([trusted], new CertificateAdded(new CertificateSummary(facts.Fingerprint, facts.Callsign?.Value, facts.LicenseClass, level), false));
    }

    public Decision Handle(BlacklistCertificate command, AuthorityContext context)
    {
        var fingerprint = command.Fingerprint?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(fingerprint) || (!Certificates.ContainsKey(fingerprint) && !context.Validator.IsTrustedRoot(fingerprint)))
            return Decision.Refuse(CertificateError.NotFound, "No certificate with that fingerprint is known here.");
        if (Blacklist.TryGetValue(fingerprint, out var existing))
            return Decision.Answer(new BlacklistAccepted(existing, AlreadyBlacklisted: true));
        var reason = string.IsNullOrWhiteSpace(command.Reason) ? "unspecified" : command.Reason.Trim();
        if (reason.Length > 1024)
            return Decision.Refuse(CertificateError.InvalidRequest, "The reason is longer than 1024 characters.");
        return new Decision([new CertificateBlacklisted(fingerprint, reason, context.Now)],
            new BlacklistAccepted(new BlacklistEntry(fingerprint, reason, context.Now), false));
    }

    /// <summary>CERT_SYNC from a node outside the cluster: each item as if its owner added it here, after its fingerprint is checked.</summary>
    public Decision Handle(SyncCertificates command, AuthorityContext context) =>
        Sync(command.Items, item => item.Fingerprint, (state, item) =>
        {
            var (certificate, error) = CertificateFiles.ParseSinglePem(item.CertificatePem);
            if (error is not null)
                return Decision.Refuse(error);
            return CertificateProfile.Fingerprint(certificate!) == item.Fingerprint
                ? state.Handle(new AddCertificate(item.CertificatePem, item.ChainPems), context)
                : Decision.Refuse(CertificateError.InvalidCertificate, "The fingerprint is not the SHA-256 of the certificate.");
        });

    /// <summary>BLACKLIST_UPDATE from a node outside the cluster: only items signed by a certificate authority this node trusts.</summary>
    public Decision Handle(SyncBlacklist command, AuthorityContext context) =>
        Sync(command.Items, item => item.Fingerprint, (state, item) => CheckSigner(item, context) is { } signerError
            ? Decision.Refuse(signerError)
            : state.Handle(new BlacklistCertificate(item.Fingerprint, item.Reason), context));

    /// <summary>Each item decided on its own against the state the items before it left, all answered in one outcome.</summary>
    private Decision Sync<T>(IEnumerable<T> items, Func<T, string?> fingerprint, Func<CertificateAuthorityState, T, Decision> decide)
    {
        var state = this;
        var events = new List<ICertificateAuthorityEvent>();
        var accepted = new List<string>();
        var refused = new List<SyncRefusal>();
        foreach (var item in items)
        {
            var label = Label(fingerprint(item));
            var decision = decide(state, item);
            if (decision.Reply is CertificateRefused refusal)
            {
                refused.Add(new SyncRefusal(label, refusal.Error.Code, refusal.Error.Details));
                continue;
            }
            accepted.Add(label);
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, (current, e) => current.Apply(e));
        }
        return new Decision(events, new SyncOutcome(accepted, refused));
    }

    private static CertificateError? CheckSigner(SyncedBlacklisting item, AuthorityContext context)
    {
        if (item.Fingerprint is null || item.Reason is null || item.Timestamp is null || item.SignerPem is null || item.Signature is null)
            return new CertificateError(CertificateError.InvalidProof,
                "A blacklisting from outside the cluster must carry fingerprint, reason, timestamp, signer and signature.");
        if (!DateTimeOffset.TryParse(item.Timestamp, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out _))
            return new CertificateError(CertificateError.InvalidRequest, "timestamp is not an ISO 8601 time.");
        var (signer, chain, error) = ParseWithChain(item.SignerPem, item.SignerChainPems);
        if (error is not null)
            return error;
        var validation = context.Validator.Validate(signer!, chain!);
        if (validation.Error is not null)
            return validation.Error with { Details = $"The signer's chain does not validate here: {validation.Error.Details}" };
        if (!validation.Chain!.Leaf.CanIssue)
            return new CertificateError(CertificateError.InvalidProof, "The signer is not a certificate authority (a node certificate).");
        return ProofOfPossession.Verify(signer!, SyncedBlacklisting.SignedText(item.Fingerprint, item.Reason, item.Timestamp), item.Signature)
            ? null
            : new CertificateError(CertificateError.InvalidProof, "The signature does not verify with the signer's key.");
    }

    private static string Label(string? fingerprint) => fingerprint is { Length: > 0 and <= 64 } ? fingerprint : "(none)";

    /// <summary>
    /// This node's side of a CERT_SYNC and BLACKLIST_UPDATE: every certificate it holds with its chain, and its blacklist
    /// signed with the node key when it has a node certificate to sign under (without one, no receiver could check it).
    /// </summary>
    public CoordinationSnapshot CoordinationSnapshot(AuthorityContext context, IReadOnlyList<TrustedRoot> configuredRoots)
    {
        var certificates = TrustFacts(configuredRoots).OfType<CertificateFact>()
            .Select(f => new SyncedCertificate(Fingerprint(f.Certificate), Pem(f.Certificate), f.Chain.Select(Pem).ToList()))
            .ToList();
        var issuer = context.Issuer is { } cached && cached.Fingerprint == NodeCertificateFingerprint ? cached : NodeIssuer.From(this);
        if (issuer is null)
            return new CoordinationSnapshot(certificates, []);
        var signerPem = issuer.Certificate.ExportCertificatePem();
        var signerChain = issuer.Chain.Select(c => c.ExportCertificatePem()).ToList();
        var blacklist = Blacklist.Values.Select(entry =>
        {
            var timestamp = entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var text = SyncedBlacklisting.SignedText(entry.Fingerprint, entry.Reason, timestamp);
            var signature = context.NodeKey.Key.SignData(System.Text.Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return new SyncedBlacklisting(entry.Fingerprint, entry.Reason, timestamp, signerPem, signerChain, Convert.ToBase64String(signature));
        }).ToList();
        return new CoordinationSnapshot(certificates, blacklist);
    }

    private static string Pem(byte[] der) => PemEncoding.WriteString("CERTIFICATE", der);

    // Queries

    public OwnerCheck CheckOwner(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return new OwnerCheck(OwnerVerdict.Missing);
        return AccessTokenHash is not null && AccessToken.Matches(AccessTokenHash, token)
            ? new OwnerCheck(OwnerVerdict.Owner)
            : new OwnerCheck(OwnerVerdict.Wrong);
    }

    public AuthorityStatus Status(AuthorityContext context) =>
        new(Phase, Owner?.Callsign, BootstrapRootFingerprint is not null || !context.HasLocalRoots,
            NodeCertificateFingerprint is not null && !Blacklist.ContainsKey(NodeCertificateFingerprint),
            context.Validator.Roots.Count());

    public CertificateList List(AuthorityContext context)
    {
        var stored = Certificates.Values.Select(Summary);
        var configured = context.Validator.Roots
            .Where(r => !Certificates.ContainsKey(r.Fingerprint))
            .Select(r => new CertificateSummary(r.Fingerprint, CertificateProfile.Read(r.Certificate).Facts?.Callsign?.Value, null, TrustLevel.Root));
        return new CertificateList(configured.Concat(stored).ToList());
    }

    public ICertificateAuthorityReply Details(string? fingerprint, AuthorityContext context)
    {
        var key = fingerprint?.Trim().ToLowerInvariant() ?? "";
        X509Certificate2 certificate;
        TrustLevel level;
        if (Certificates.TryGetValue(key, out var stored))
        {
            certificate = X509CertificateLoader.LoadCertificate(stored.Der);
            level = stored.Level;
        }
        else if (context.Validator.Roots.FirstOrDefault(r => r.Fingerprint == key) is { } root)
        {
            certificate = root.Certificate;
            level = TrustLevel.Root;
        }
        else
        {
            return new CertificateRefused(CertificateError.NotFound, "No certificate with that fingerprint is known here.");
        }
        var facts = CertificateProfile.Read(certificate).Facts;
        var chain = ChainOf(key).ToList();
        return new CertificateDetails(
            key,
            certificate.SerialNumber.ToLowerInvariant(),
            certificate.Subject,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            new CertificateExtensionsView(
                facts?.Callsign?.Value ?? stored?.Callsign,
                facts?.LicenseClass,
                facts?.CanIssue ?? false,
                chain.Select(c => c.Fingerprint).ToList(),
                facts?.Lotw ?? LotwExtensions.None),
            chain.Select(c => X509CertificateLoader.LoadCertificate(c.Der).ExportCertificatePem()).ToList(),
            certificate.ExportCertificatePem(),
            level,
            Blacklist.GetValueOrDefault(key));
    }

    public ICertificateAuthorityReply Verify(VerifyStation query, AuthorityContext context)
    {
        var (certificate, chain, error) = ParseWithChain(query.CertificatePem, query.ChainPems);
        if (error is not null)
            return new CertificateRefused(error);
        var validation = context.Validator.Validate(certificate!, chain!);
        if (validation.Error is not null)
            return new CertificateRefused(validation.Error);
        if (validation.Chain!.Leaf.Callsign is not { } callsign)
            return new CertificateRefused(CertificateError.InvalidCertificate, "The certificate names no callsign.");
        if (!ProofOfPossession.Verify(certificate!, query.Nonce, query.Signature))
            return new CertificateRefused(CertificateError.InvalidProof, "The signature over the nonce does not verify with the certificate's key.");
        var facts = validation.Chain.Leaf;
        return new StationVerified(callsign.Value, facts.Fingerprint, facts.LicenseClass);
    }

    public int IssuancesWithinHour(DateTimeOffset now)
    {
        var count = RecentIssuanceCount;
        foreach (var at in RecentIssuances)
        {
            if (at > now - IssuanceWindow)
                break;
            count--;
        }
        return count;
    }

    /// <summary>The issuers of a stored certificate, nearest first, as far as the store knows them.</summary>
    public IEnumerable<StoredCertificate> ChainOf(string fingerprint)
    {
        var current = Certificates.GetValueOrDefault(fingerprint);
        for (var depth = 0; current?.IssuerFingerprint is { } issuer && issuer != current.Fingerprint && depth < ChainValidator.MaximumDepth; depth++)
        {
            if (!Certificates.TryGetValue(issuer, out current))
                yield break;
            yield return current;
        }
    }

    // The mesh's trust store

    /// <summary>Everything this node's trust store holds, as facts for the mesh: its roots, certificates with their chains, blacklist.</summary>
    public IEnumerable<TrustFact> TrustFacts(IReadOnlyList<TrustedRoot> configuredRoots)
    {
        foreach (var root in Roots(configuredRoots))
            yield return new AnchorFact(root.Certificate.RawData, root.IsLotw);
        foreach (var stored in Certificates.Values)
        {
            if (stored.Level != TrustLevel.Root && CertificateFactOf(stored.Fingerprint, configuredRoots) is { } fact)
                yield return fact;
        }
        foreach (var entry in Blacklist.Values)
            yield return new BlacklistFact(entry.Fingerprint, entry.Reason, entry.At);
    }

    /// <summary>The facts an event of this authority added, read from the state after it was applied.</summary>
    public IEnumerable<TrustFact> TrustFactsOf(ICertificateAuthorityEvent @event, IReadOnlyList<TrustedRoot> configuredRoots)
    {
        var (certificate, anchor) = @event switch
        {
            NodeClaimed e => (e.OwnerCertificate, e.BootstrapRoot),
            NodeCertificateInstalled e => (e.Certificate, null),
            CertificateIssued e => (e.Certificate, null),
            CertificateTrusted { Level: not TrustLevel.Root } e => (e.Certificate, null),
            _ => ((byte[]?)null, (byte[]?)null),
        };
        if (anchor is not null)
            yield return new AnchorFact(anchor, IsLotw: false);
        // A bootstrap claimant's certificate is its own root: stated once, as the anchor.
        if (certificate is not null && !(anchor?.AsSpan().SequenceEqual(certificate) ?? false) && CertificateFactOf(Fingerprint(certificate), configuredRoots) is { } fact)
            yield return fact;
        if (@event is CertificateBlacklisted blacklisted)
            yield return new BlacklistFact(blacklisted.Fingerprint, blacklisted.Reason, blacklisted.At);
    }

    /// <summary>
    /// Takes in a fact another node stated (already checked). It lives in memory only: the mesh trust replica keeps
    /// it in its own store and hands it back at every start.
    /// </summary>
    public CertificateAuthorityState Adopt(TrustFact fact) => fact switch
    {
        AnchorFact anchor => AdoptAnchor(anchor),
        CertificateFact certificate => StoreChain([certificate.Certificate, .. certificate.Chain],
            CertificateProfile.Read(X509CertificateLoader.LoadCertificate(certificate.Certificate)).Facts is { CanIssue: true }
                ? TrustLevel.Intermediate
                : TrustLevel.Peer),
        BlacklistFact blacklisted => Blacklist.ContainsKey(blacklisted.Fingerprint)
            ? this
            : this with { Blacklist = Blacklist.Add(blacklisted.Fingerprint, new BlacklistEntry(blacklisted.Fingerprint, blacklisted.Reason, blacklisted.At)) },
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact.GetType().Name, "Not a trust fact."),
    };

    /// <summary>An anchor may already be stored as a chain member of a certificate that arrived first: it is a root now.</summary>
    private CertificateAuthorityState AdoptAnchor(AnchorFact anchor)
    {
        var stored = StoreChain([anchor.Root], TrustLevel.Root);
        var fingerprint = Fingerprint(anchor.Root);
        return stored with { Certificates = stored.Certificates.SetItem(fingerprint, stored.Certificates[fingerprint] with { Level = TrustLevel.Root }) };
    }

    /// <summary>A stored certificate with its chain up to a self-signed root, or null when the store cannot reach one.</summary>
    private CertificateFact? CertificateFactOf(string fingerprint, IReadOnlyList<TrustedRoot> configuredRoots)
    {
        if (!Certificates.TryGetValue(fingerprint, out var stored))
            return null;
        var chain = ChainOf(fingerprint).ToList();
        var top = chain.Count > 0 ? chain[^1] : stored;
        var path = chain.Select(c => c.Der).ToList();
        if (top.IssuerFingerprint != top.Fingerprint)
        {
            var issuerName = X509CertificateLoader.LoadCertificate(top.Der).IssuerName.RawData;
            var root = Roots(configuredRoots).FirstOrDefault(r => r.Certificate.SubjectName.RawData.AsSpan().SequenceEqual(issuerName));
            if (root is null)
                return null;
            path.Add(root.Certificate.RawData);
        }
        return new CertificateFact(stored.Der, path);
    }

    // Events

    public CertificateAuthorityState Apply(ICertificateAuthorityEvent @event) => @event switch
    {
        NodeClaimed e => ApplyClaim(e),
        NodeCertificateInstalled e => StoreChain([e.Certificate, .. e.Chain], TrustLevel.Intermediate) with
        {
            Phase = NodePhase.Active,
            NodeCertificateFingerprint = Fingerprint(e.Certificate),
        },
        CertificateIssued e => ApplyIssued(e),
        CertificateTrusted e => StoreChain([e.Certificate, .. e.Chain], e.Level, e.Callsign, e.LicenseClass),
        CertificateBlacklisted e => Blacklist.ContainsKey(e.Fingerprint)
            ? this
            : this with { Blacklist = Blacklist.Add(e.Fingerprint, new BlacklistEntry(e.Fingerprint, e.Reason, e.At)) },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Not an event of the certificate authority."),
    };

    private CertificateAuthorityState ApplyClaim(NodeClaimed e)
    {
        var next = StoreChain([e.OwnerCertificate, .. e.OwnerChain], TrustLevel.Peer);
        var bootstrap = e.BootstrapRoot is null ? null : Fingerprint(e.BootstrapRoot);
        if (bootstrap is not null && next.Certificates.TryGetValue(bootstrap, out var root))
            next = next with { Certificates = next.Certificates.SetItem(bootstrap, root with { Level = TrustLevel.Root }) };
        return next with
        {
            Phase = NodePhase.Claimed,
            Owner = new OwnerRecord(e.Owner, Fingerprint(e.OwnerCertificate), e.Metadata),
            AccessTokenHash = e.AccessTokenHash,
            BootstrapRootFingerprint = bootstrap,
        };
    }

    private CertificateAuthorityState ApplyIssued(CertificateIssued e)
    {
        var fingerprint = Fingerprint(e.Certificate);
        var queue = RecentIssuances.Enqueue(e.At);
        var count = RecentIssuanceCount + 1;
        while (!queue.IsEmpty && queue.Peek() <= e.At - IssuanceWindow)
        {
            queue = queue.Dequeue();
            count--;
        }
        return this with
        {
            Certificates = Certificates.SetItem(fingerprint,
                new StoredCertificate(fingerprint, e.Certificate, e.IssuerFingerprint, TrustLevel.Peer, e.Callsign, e.LicenseClass)),
            RecentIssuances = queue,
            RecentIssuanceCount = count,
            IssuedTotal = IssuedTotal + 1,
        };
    }

    /// <summary>Stores a path leaf first; certificates already known keep what they had.</summary>
    private CertificateAuthorityState StoreChain(byte[][] path, TrustLevel leafLevel, string? leafCallsign = null, string? leafLicenseClass = null)
    {
        var certificates = Certificates;
        var fingerprints = path.Select(Fingerprint).ToArray();
        for (var i = 0; i < path.Length; i++)
        {
            if (certificates.ContainsKey(fingerprints[i]))
                continue;
            var certificate = X509CertificateLoader.LoadCertificate(path[i]);
            var facts = CertificateProfile.Read(certificate).Facts;
            var issuer = i + 1 < path.Length ? fingerprints[i + 1] : facts is { IsSelfSigned: true } ? fingerprints[i] : null;
            var level = i == 0 ? leafLevel : facts is { IsSelfSigned: true } ? TrustLevel.Root : TrustLevel.Intermediate;
            certificates = certificates.Add(fingerprints[i], new StoredCertificate(fingerprints[i], path[i], issuer, level,
                i == 0 ? leafCallsign ?? facts?.Callsign?.Value : facts?.Callsign?.Value,
                i == 0 ? leafLicenseClass ?? facts?.LicenseClass : facts?.LicenseClass));
        }
        return this with { Certificates = certificates };
    }

    private static CertificateSummary Summary(StoredCertificate stored) =>
        new(stored.Fingerprint, stored.Callsign, stored.LicenseClass, stored.Level);

    private static string Fingerprint(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));

    private static (X509Certificate2? Certificate, IReadOnlyList<X509Certificate2>? Chain, CertificateError? Error) ParseWithChain(
        string? certificatePem, IReadOnlyList<string>? chainPems)
    {
        var (certificate, error) = CertificateFiles.ParseSinglePem(certificatePem);
        if (error is not null)
            return (null, null, error);
        var given = chainPems ?? [];
        if (given.Count > MostChainEntries)
            return (null, null, new CertificateError(CertificateError.InvalidChain, $"The chain has {given.Count} entries; at most {ChainValidator.MaximumDepth} certificates are accepted."));
        var chain = new List<X509Certificate2>();
        foreach (var pem in given)
        {
            var loaded = CertificateFiles.ParsePem(pem);
            if (loaded.Error is not null)
                return (null, null, loaded.Error with { Code = CertificateError.InvalidChain });
            chain.AddRange(loaded.Certificates!);
        }
        return (certificate, chain, null);
    }
}
