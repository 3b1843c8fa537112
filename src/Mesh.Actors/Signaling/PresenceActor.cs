using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Mesh.Actors.Node;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Knows every connection on this node and every registered client of the mesh, resolves relay
/// targets (clientId or callsign) and tells local registered clients who joins and leaves (those
/// that did not register with peerEvents false).
/// Each node publishes its own clients under its own Distributed Data key (one writer per key, so
/// no conflicts) and subscribes to the keys of the other members; a node that becomes unreachable
/// hides its clients at once, and a removed node's key is deleted.
/// </summary>
public sealed class PresenceActor : ReceiveActor
{
    private readonly HashSet<IActorRef> connections = [];
    private readonly PresenceDirectory directory = new();
    private readonly Dictionary<UniqueAddress, RemoteNode> remoteNodes = [];
    private readonly Dictionary<string, UniqueAddress> nodeByKeyId = new(StringComparer.Ordinal);
    private readonly Cluster cluster = Cluster.Get(Context.System);
    private readonly IActorRef replicator = DistributedData.Get(Context.System).Replicator;
    private readonly LWWDictionaryKey<string, PresenceEntry> ownKey;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly int peerListLimit;
    private string? serverOwner;

    public PresenceActor(int peerListLimit)
    {
        this.peerListLimit = peerListLimit;
        ownKey = KeyOf(cluster.SelfUniqueAddress);
        Receive<Presence.Connect>(_ =>
        {
            if (connections.Add(Sender)) Context.Watch(Sender);
            Sender.Tell(new Presence.Welcome(serverOwner));
        });
        Receive<Presence.Register>(Register);
        Receive<Presence.Relay>(Relay);
        Receive<Presence.ListPeers>(_ => Sender.Tell(new Presence.PeerList(directory.Peers(peerListLimit, directory.IdOf(Sender)))));
        Receive<NodeOwnershipChanged>(ownership => serverOwner = ownership.Owner);
        Receive<Presence.GetStatistics>(_ => Sender.Tell(new Presence.Statistics(connections.Count, directory.Count)));
        Receive<Presence.GetTopTalkers>(query => Sender.Tell(new Presence.TopTalkers(directory.TopTalkers(query.Limit))));
        Receive<Terminated>(terminated => Leave(terminated.ActorRef));

        Receive<ClusterEvent.MemberJoined>(e => Track(e.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(e => Track(e.Member));
        Receive<ClusterEvent.MemberUp>(e => Track(e.Member));
        Receive<ClusterEvent.MemberExited>(e => Forget(e.Member.UniqueAddress));
        Receive<ClusterEvent.MemberRemoved>(e => Forget(e.Member.UniqueAddress));
        Receive<ClusterEvent.UnreachableMember>(e => SetReachable(e.Member.UniqueAddress, false));
        Receive<ClusterEvent.ReachableMember>(e => SetReachable(e.Member.UniqueAddress, true));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Changed>(OnChanged);
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(failure => log.Warning("Presence update failed: {Failure}", failure));
        Receive<IDeleteResponse>(_ => { });
        Receive<DataDeleted>(_ => { });
    }

    /// <param name="peerListLimit">most peers in one REGISTERED or PEERS message</param>
    public static Props Props(int peerListLimit) => Akka.Actor.Props.Create(() => new PresenceActor(peerListLimit));

    /// <summary>The Distributed Data key under which a node incarnation publishes its registered clients.</summary>
    public static LWWDictionaryKey<string, PresenceEntry> KeyOf(UniqueAddress node) => new($"presence:{node.Address}#{node.Uid}");

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(NodeOwnershipChanged));
        Context.System.EventStream.Publish(NodeOwnershipRequested.Instance);
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    private void Register(Presence.Register register)
    {
        var peers = directory.Peers(peerListLimit, exceptId: null);
        var relays = directory.Add(register.Peer, Sender, local: true, register.PeerEvents);
        Sender.Tell(new Presence.Registered(peers, serverOwner, relays));
        TellLocalClients(new Presence.PeerJoined(register.Peer), except: Sender);
        var entry = new PresenceEntry(register.Peer.Id, register.Peer.Callsign, register.Peer.HasLicense, Sender);
        replicator.Tell(Dsl.Update(ownKey, LWWDictionary<string, PresenceEntry>.Empty, WriteLocal.Instance,
            clients => clients.SetItem(cluster, entry.ClientId, entry)));
        log.Debug("{Callsign} registered as {ClientId}", register.Peer.Callsign, register.Peer.Id);
    }

    private void Relay(Presence.Relay relay)
    {
        if (directory.TryResolve(relay.Target, out var target, out var byClientId))
        {
            // Only a local client named by its id may be reached directly: a callsign may move to a
            // newer registration, and a client on another node may be hidden by a partition.
            if (byClientId && directory.IsLocal(target)) target.Tell(new Presence.DeliverRouted(relay.Frame, relay.Target, Sender));
            else target.Tell(new Presence.Deliver(relay.Frame));
        }
        else
        {
            Sender.Tell(new Presence.RelayRefused(new SignalingError(
                SignalingErrors.UnknownTarget, $"No client '{relay.Target}' is connected to the mesh.")));
        }
    }

    private void Leave(IActorRef connection)
    {
        connections.Remove(connection);
        var peer = directory.Remove(connection);
        if (peer is null) return;

        TellLocalClients(new Presence.PeerLeft(peer.Id), except: null);
        replicator.Tell(Dsl.Update(ownKey, LWWDictionary<string, PresenceEntry>.Empty, WriteLocal.Instance,
            clients => clients.Remove(cluster, peer.Id)));
        log.Debug("{Callsign} ({ClientId}) left", peer.Callsign, peer.Id);
    }

    private void Track(Member member)
    {
        if (member.UniqueAddress.Equals(cluster.SelfUniqueAddress) || remoteNodes.ContainsKey(member.UniqueAddress)) return;
        var key = KeyOf(member.UniqueAddress);
        remoteNodes[member.UniqueAddress] = new RemoteNode(key);
        nodeByKeyId[key.Id] = member.UniqueAddress;
        replicator.Tell(Dsl.Subscribe(key, Self));
    }

    private void Forget(UniqueAddress node)
    {
        if (!remoteNodes.Remove(node, out var remote)) return;
        if (remote.Reachable) Hide(remote);
        nodeByKeyId.Remove(remote.Key.Id);
        replicator.Tell(Dsl.Unsubscribe(remote.Key, Self));
        // Every survivor deletes the departed incarnation's key; deleting twice is harmless.
        replicator.Tell(Dsl.Delete(remote.Key, WriteLocal.Instance));
        log.Debug("Forgot the clients of {Node}", node.Address);
    }

    private void SetReachable(UniqueAddress node, bool reachable)
    {
        if (!remoteNodes.TryGetValue(node, out var remote) || remote.Reachable == reachable) return;
        remote.Reachable = reachable;
        if (reachable) Show(remote.Entries.Values);
        else Hide(remote);
    }

    private void OnChanged(Changed changed)
    {
        if (!nodeByKeyId.TryGetValue(changed.Key.Id, out var node) || !remoteNodes.TryGetValue(node, out var remote)) return;
        var now = changed.Get(remote.Key).Entries;
        var gone = remote.Entries.Keys.Where(id => !now.ContainsKey(id)).ToList();
        var added = now.Where(pair => !remote.Entries.ContainsKey(pair.Key)).Select(pair => pair.Value).ToList();
        remote.Entries = now.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (!remote.Reachable) return;

        foreach (var id in gone)
        {
            if (directory.RemoveById(id) is not null) TellLocalClients(new Presence.PeerLeft(id), except: null);
        }

        Show(added);
    }

    private void Show(IEnumerable<PresenceEntry> entries)
    {
        foreach (var entry in entries)
        {
            directory.Add(entry.Peer, entry.Connection, local: false);
            TellLocalClients(new Presence.PeerJoined(entry.Peer), except: null);
        }
    }

    private void Hide(RemoteNode remote)
    {
        foreach (var id in remote.Entries.Keys)
        {
            if (directory.RemoveById(id) is not null) TellLocalClients(new Presence.PeerLeft(id), except: null);
        }
    }

    private void TellLocalClients(object message, IActorRef? except)
    {
        foreach (var local in directory.PeerEventSubscribers)
        {
            if (!local.Equals(except)) local.Tell(message);
        }
    }

    private sealed class RemoteNode(LWWDictionaryKey<string, PresenceEntry> key)
    {
        public LWWDictionaryKey<string, PresenceEntry> Key { get; } = key;

        public bool Reachable { get; set; } = true;

        public Dictionary<string, PresenceEntry> Entries { get; set; } = new(StringComparer.Ordinal);
    }
}
