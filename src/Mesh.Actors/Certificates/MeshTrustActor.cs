// The node's share of the mesh's trust store: signs what the local authority decides, spreads it through grow-only
// sets of Distributed Data, checks what other nodes spread, and keeps all of it in SQLite to seed the sets at start.
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Akka.Persistence;

namespace Mesh.Actors.Certificates;

/// <summary>
/// A child of the certificate authority, so that whichever of the two restarts, the replica hands its facts to
/// the live authority (its parent) and the authority never waits for a replica that no longer knows it.
/// </summary>
public sealed class MeshTrustActor : ReceivePersistentActor
{
    /// <summary>
    /// Entries are spread over this many keys so that no key outgrows a remoting frame when the replicator sends
    /// it whole to a node that joins (a key holds about 40 certificates with their chains per 128 kB frame).
    /// </summary>
    public const int Buckets = 256;

    private readonly NodeKey _nodeKey;
    private readonly IActorRef _replicator;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Entries stored or rejected: an entry is checked once, however often gossip brings it back.
    private readonly HashSet<SignedTrustEntry> _seen = [];
    // Facts stored, whichever node stated them: a fact already here is neither stated again nor stored twice.
    private readonly HashSet<string> _identities = [];
    private List<SignedTrustEntry>? _recoveredEntries = [];
    private List<TrustFact>? _recoveredFromOthers = [];
    private int _stored;
    private int _own;
    private int _rejected;

    public MeshTrustActor(NodeKey nodeKey, IActorRef replicator, TimeProvider time)
    {
        _nodeKey = nodeKey;
        _replicator = replicator;
        _time = time;
        PersistenceId = $"mesh-trust-{nodeKey.PublicKeyFingerprint[..16]}";

        Recover<MeshTrustEntryStored>(stored =>
        {
            var (fact, error) = TrustEntries.Read(stored.Entry);
            if (fact is null)
            {
                _log.Error("A stored trust entry no longer reads ({Error}); it is left out", error);
                return;
            }
            Remember(stored.Entry, fact.Identity, stored.Own);
            _recoveredEntries!.Add(stored.Entry);
            if (!stored.Own)
                _recoveredFromOthers!.Add(fact);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            Spread(_recoveredEntries!);
            for (var bucket = 0; bucket < Buckets; bucket++)
                _replicator.Tell(Dsl.Subscribe(KeyOf(bucket), Self));
            Context.Parent.Tell(new AdoptMeshTrust(_recoveredFromOthers!));
            Context.Parent.Tell(SubscribeLocalTrust.Instance);
            _log.Info("Mesh trust {PersistenceId} recovered: {Stored} entries, {Own} stated here", PersistenceId, _stored, _own);
            _recoveredEntries = null;
            _recoveredFromOthers = null;
        });

        Command<LocalTrustStated>(stated => StateOwn(stated.Facts));
        Command<Changed>(changed => Check(changed.Get((GSetKey<SignedTrustEntry>)changed.Key).Elements));
        Command<GetMeshTrustStatus>(_ => Sender.Tell(new MeshTrustStatus(_stored, _own, _rejected)));
        Command<UpdateSuccess>(_ => { });
        Command<IUpdateFailure>(failure => _log.Warning("Spreading trust entries failed: {Failure}", failure));
    }

    public override string PersistenceId { get; }

    public static Props Props(NodeKey nodeKey, IActorRef replicator, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new MeshTrustActor(nodeKey, replicator, time ?? TimeProvider.System));

    public static GSetKey<SignedTrustEntry> KeyOf(int bucket) => new($"trust-{bucket:x2}");

    public static int BucketOf(SignedTrustEntry entry) => SHA256.HashData(Encoding.UTF8.GetBytes(entry.Payload))[0] % Buckets;

    private void StateOwn(IReadOnlyList<TrustFact> facts)
    {
        var fresh = new Dictionary<string, TrustFact>();
        foreach (var fact in facts)
        {
            if (!_identities.Contains(fact.Identity))
                fresh.TryAdd(fact.Identity, fact);
        }
        if (fresh.Count == 0) return;
        var now = _time.GetUtcNow();
        var identities = fresh.Keys.ToList();
        var events = fresh.Values.Select(fact => new MeshTrustEntryStored(TrustEntries.Sign(fact, _nodeKey), Own: true, now)).ToList();
        var persisted = 0;
        PersistAll(events, stored =>
        {
            // Handlers run in the order of the events.
            Remember(stored.Entry, identities[persisted], own: true);
            if (++persisted == events.Count)
                Spread(events.Select(e => e.Entry));
        });
    }

    private void Check(IEnumerable<SignedTrustEntry> elements)
    {
        var accepted = new List<(SignedTrustEntry Entry, TrustFact Fact)>();
        var identities = new HashSet<string>();
        foreach (var entry in elements)
        {
            if (_seen.Contains(entry)) continue;
            var check = TrustEntries.Open(entry);
            if (check.Opened is not { } opened)
            {
                _seen.Add(entry);
                _rejected++;
                _log.Warning("Rejected a trust entry from node {Origin}: {Reason}", OriginLabel(entry), check.Rejection);
                continue;
            }
            if (_identities.Contains(opened.Fact.Identity) || !identities.Add(opened.Fact.Identity))
            {
                _seen.Add(entry);
                continue;
            }
            accepted.Add((entry, opened.Fact));
        }
        if (accepted.Count == 0) return;

        var now = _time.GetUtcNow();
        var persisted = 0;
        PersistAll(accepted.Select(a => new MeshTrustEntryStored(a.Entry, Own: false, now)), stored =>
        {
            Remember(stored.Entry, accepted[persisted].Fact.Identity, own: false);
            if (++persisted == accepted.Count)
            {
                Context.Parent.Tell(new AdoptMeshTrust(accepted.Select(a => a.Fact).ToList()));
                _log.Debug("Took {Count} trust entries from the mesh", accepted.Count);
            }
        });
    }

    private void Remember(SignedTrustEntry entry, string identity, bool own)
    {
        if (!_seen.Add(entry)) return;
        _identities.Add(identity);
        _stored++;
        if (own) _own++;
    }

    /// <summary>Local writes only: gossip carries them, and a node cut off from the rest keeps its entries for the heal.</summary>
    private void Spread(IEnumerable<SignedTrustEntry> entries)
    {
        foreach (var bucket in entries.GroupBy(BucketOf))
        {
            var batch = bucket.ToList();
            _replicator.Tell(Dsl.Update(KeyOf(bucket.Key), GSet<SignedTrustEntry>.Empty, WriteLocal.Instance,
                set => batch.Aggregate(set, (current, entry) => current.Add(entry))));
        }
    }

    private static string OriginLabel(SignedTrustEntry entry)
    {
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(entry.Origin ?? "")))[..16];
        }
        catch (FormatException)
        {
            return "(malformed origin)";
        }
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "The journal rejected a trust entry at {SequenceNr}; restarting from the journal", sequenceNr);
        throw new InvalidOperationException("A trust entry could not be stored.", cause);
    }
}
