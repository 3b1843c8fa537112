// The node's certificate authority: claims, its node certificate, issued certificates, trust store and blacklist,
// event-sourced so that whatever it acknowledged survives a crash.
using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Certificates;

public sealed class CertificateAuthorityActor : ReceivePersistentActor
{
    private readonly CertificateSettings _settings;
    private readonly NodeKey _nodeKey;
    private readonly IReadOnlyList<TrustedRoot> _configuredRoots;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // What commands decide on: includes events whose writes are still in flight (their replies wait for the write).
    private CertificateAuthorityState _state = CertificateAuthorityState.Empty;
    // Only events the journal confirmed, in order: the state that snapshots may hold.
    private CertificateAuthorityState _durable = CertificateAuthorityState.Empty;
    private ChainValidator _validator = ChainValidator.Empty;
    private ClaimChallenges _challenges = ClaimChallenges.None;
    private long _eventsSinceSnapshot;
    private string? _nodeCsr;
    private NodeIssuer? _issuer;
    // Roots other nodes' operators trust, adopted from the mesh; not in the journal (the mesh trust replica keeps them).
    private ImmutableDictionary<string, TrustedRoot> _meshAnchors = ImmutableDictionary<string, TrustedRoot>.Empty;
    private readonly IActorRef? _meshTrust;

    public CertificateAuthorityActor(CertificateSettings settings, NodeKey nodeKey, IReadOnlyList<TrustedRoot> configuredRoots, TimeProvider time,
        Props? meshTrust)
    {
        _settings = settings;
        _nodeKey = nodeKey;
        _configuredRoots = configuredRoots;
        _time = time;
        PersistenceId = $"certificate-authority-{nodeKey.PublicKeyFingerprint[..16]}";
        if (meshTrust is not null)
            _meshTrust = Context.ActorOf(meshTrust, "mesh-trust");

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is CertificateAuthorityState snapshot)
                _state = _durable = snapshot;
        });
        Recover<ICertificateAuthorityEvent>(e =>
        {
            _state = _durable = _state.Apply(e);
            _eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            // Until the mesh trust replica hands back what the mesh told this node, a blacklisted certificate would pass.
            if (_meshTrust is not null)
                BecomeStacked(AwaitingMeshTrust);
            RebuildValidator();
            PublishOwnership();
            _log.Info("Certificate authority {PersistenceId} recovered: {Phase}, {Certificates} certificates, {Blacklisted} blacklisted",
                PersistenceId, _state.Phase, _state.Certificates.Count, _state.Blacklist.Count);
        });

        Command<GetClaimChallenge>(_ =>
        {
            (_challenges, var challenge) = _challenges.Issue(Now);
            Sender.Tell(new ClaimChallengeIssued(challenge.Nonce, challenge.ExpiresAt));
        });
        Command<ClaimStation>(claim =>
        {
            if (_state.Phase != NodePhase.Unclaimed)
            {
                Sender.Tell(new CertificateRefused(CertificateError.AlreadyClaimed, $"This node is already claimed by {_state.Owner?.Callsign}."));
                return;
            }
            (_challenges, var nonceError) = _challenges.Consume(claim.Nonce, Now);
            if (nonceError is not null)
            {
                Sender.Tell(new CertificateRefused(nonceError));
                return;
            }
            Decide(_state.Handle(claim, DecisionContext()));
        });
        Command<InstallNodeCertificate>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<IssueCertificate>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<AddCertificate>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<BlacklistCertificate>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<SyncCertificates>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<SyncBlacklist>(command => Decide(_state.Handle(command, DecisionContext())));
        Command<GetCoordinationSnapshot>(_ => Sender.Tell(_state.CoordinationSnapshot(DecisionContext(), _configuredRoots)));

        Command<SubscribeLocalTrust>(_ => Sender.Tell(new LocalTrustStated(_state.TrustFacts(_configuredRoots).ToList())));
        Command<AdoptMeshTrust>(Adopt);
        Command<GetMeshTrustStatus>(query =>
        {
            if (_meshTrust is null)
                Sender.Tell(new CertificateRefused(CertificateError.NotFound, "This authority does not replicate across a mesh."));
            else
                _meshTrust.Forward(query);
        });

        Command<NodeOwnershipRequested>(_ =>
        {
            _published = null;
            PublishOwnership();
        });
        Command<GetNodeCsr>(_ => Sender.Tell(new NodeCsr(_nodeCsr ??= _nodeKey.CreateSigningRequestPem())));
        Command<GetAuthorityStatus>(_ => Sender.Tell(_state.Status(DecisionContext())));
        Command<ListCertificates>(_ => Sender.Tell(_state.List(DecisionContext())));
        Command<GetCertificate>(query => Sender.Tell(_state.Details(query.Fingerprint, DecisionContext())));
        Command<CheckOwnerToken>(query => Sender.Tell(_state.CheckOwner(query.Token)));
        Command<VerifyStation>(query => Sender.Tell(_state.Verify(query, DecisionContext())));
        Command<License.Verify>(VerifyLicense);

        Command<SaveSnapshotSuccess>(success =>
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failure =>
            _log.Warning(failure.Cause, "Snapshot of {PersistenceId} at {SequenceNr} failed; recovery replays more events", PersistenceId, failure.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Deleting old snapshots of {PersistenceId} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    private NodeOwnershipChanged? _published;

    protected override void PreStart()
    {
        base.PreStart();
        Context.System.EventStream.Subscribe(Self, typeof(NodeOwnershipRequested));
    }

    /// <param name="meshTrust">the replica to run as a child (<see cref="MeshTrustActor.Props"/>); commands then wait for its first
    /// <see cref="AdoptMeshTrust"/> after every recovery.</param>
    public static Props Props(CertificateSettings settings, NodeKey nodeKey, IReadOnlyList<TrustedRoot> configuredRoots, TimeProvider? time = null,
        Props? meshTrust = null) =>
        Akka.Actor.Props.Create(() => new CertificateAuthorityActor(settings, nodeKey, configuredRoots, time ?? TimeProvider.System, meshTrust));

    private void AwaitingMeshTrust()
    {
        Command<AdoptMeshTrust>(adopt =>
        {
            Adopt(adopt);
            UnbecomeStacked();
            Stash.UnstashAll();
        });
        CommandAny(_ => Stash.Stash());
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private AuthorityContext DecisionContext()
    {
        if (_issuer?.Fingerprint != _state.NodeCertificateFingerprint)
            _issuer = NodeIssuer.From(_state);
        return new AuthorityContext(Now, _validator, _state.Roots(_configuredRoots).Any(), _nodeKey, _settings.IssuancePerHour,
            _settings.IssuedLifetime, _issuer);
    }

    private void Decide(Decision decision)
    {
        if (decision.Events.Count == 0)
        {
            Sender.Tell(decision.Reply);
            return;
        }
        foreach (var e in decision.Events)
        {
            _state = _state.Apply(e);
            if (e is NodeClaimed or CertificateBlacklisted)
                RebuildValidator();
        }
        var replyTo = Sender;
        var remaining = decision.Events.Count;
        PersistAllAsync(decision.Events, persisted =>
        {
            _durable = _durable.Apply(persisted);
            if (persisted is CertificateBlacklisted blacklisted)
                _log.Info("Certificate {Fingerprint} blacklisted: {Reason}", blacklisted.Fingerprint, blacklisted.Reason);
            if (--remaining == 0)
            {
                replyTo.Tell(decision.Reply);
                PublishOwnership();
                _meshTrust?.Tell(new LocalTrustStated(decision.Events.SelectMany(e => _state.TrustFactsOf(e, _configuredRoots)).ToList()));
            }
            if (++_eventsSinceSnapshot >= _settings.SnapshotEvery)
            {
                SaveSnapshot(_durable);
                _eventsSinceSnapshot = 0;
            }
        });
    }

    /// <summary>Tells presence (HELLO's serverOwner) and mDNS (instance name, caps) when the owner or the right to issue changes.</summary>
    private void PublishOwnership()
    {
        var status = _state.Status(DecisionContext());
        var ownership = new NodeOwnershipChanged(status.Owner, status.CanIssue);
        if (ownership == _published) return;
        _published = ownership;
        Context.System.EventStream.Publish(ownership);
    }

    private void RebuildValidator() =>
        _validator = new ChainValidator(_state.Roots(_configuredRoots).Concat(_meshAnchors.Values), _state.BlacklistedFingerprints());

    private void Adopt(AdoptMeshTrust adopt)
    {
        foreach (var fact in adopt.Facts)
        {
            _state = _state.Adopt(fact);
            if (fact is AnchorFact anchor)
            {
                var root = new TrustedRoot(X509CertificateLoader.LoadCertificate(anchor.Root), anchor.IsLotw);
                _meshAnchors = _meshAnchors.SetItem(root.Fingerprint, root);
            }
            if (fact is BlacklistFact blacklisted)
                _log.Info("Certificate {Fingerprint} blacklisted by the mesh: {Reason}", blacklisted.Fingerprint, blacklisted.Reason);
        }
        RebuildValidator();
        PublishOwnership();
    }

    /// <summary>Signaling's REGISTER: the PEM holds the client's certificate first, then its chain.</summary>
    private void VerifyLicense(License.Verify verify)
    {
        var loaded = CertificateFiles.ParsePem(verify.CertificatePem);
        if (loaded.Error is not null)
        {
            Sender.Tell(new License.Rejected(loaded.Error.Details));
            return;
        }
        var pems = loaded.Certificates!.Select(CertificateFiles.ToPem).ToList();
        var reply = _state.Verify(new VerifyStation(pems[0], pems.Skip(1).ToList(), verify.Nonce, verify.Signature), DecisionContext());
        switch (reply)
        {
            case StationVerified verified when string.Equals(verified.Callsign, verify.Callsign, StringComparison.OrdinalIgnoreCase):
                Sender.Tell(new License.Verified(verified.Callsign));
                break;
            case StationVerified verified:
                Sender.Tell(new License.Rejected($"The certificate is for {verified.Callsign}, not {verify.Callsign}."));
                break;
            case CertificateRefused refused:
                Sender.Tell(new License.Rejected(refused.Error.Details));
                break;
        }
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "The journal rejected {EventType} at {SequenceNr}; restarting from the journal", @event.GetType().Name, sequenceNr);
        throw new InvalidOperationException("Persisted state and decided state diverged.", cause);
    }
}
