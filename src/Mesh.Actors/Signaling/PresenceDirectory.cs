using System.Runtime.InteropServices;
using Akka.Actor;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Every visible client of the mesh by clientId, by callsign and by connection; owned by one presence
/// actor. Local clients (connection actors on this node) are the ones told about joins and leaves.
/// </summary>
public sealed class PresenceDirectory
{
    private readonly Dictionary<string, (PeerInfo Peer, IActorRef Connection)> byId = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> idByConnection = [];
    private readonly HashSet<IActorRef> localConnections = [];
    // The local clients that asked for PEER_JOINED/PEER_LEFT (REGISTER's peerEvents, true unless said).
    private readonly HashSet<IActorRef> peerEventSubscribers = [];
    // The latest registration of a callsign wins: a station that reconnects is reached at once.
    private readonly Dictionary<string, string> latestIdByCallsign = new(StringComparer.OrdinalIgnoreCase);
    // Relays sent by each registered connection, for the operator's top talkers.
    private readonly Dictionary<IActorRef, long> relaysByConnection = [];

    public int Count => byId.Count;

    public int LocalCount => localConnections.Count;

    /// <summary>The registered connection actors on this node that are told who joins and leaves.</summary>
    public IEnumerable<IActorRef> PeerEventSubscribers => peerEventSubscribers;

    public string? IdOf(IActorRef connection) => idByConnection.GetValueOrDefault(connection);

    /// <param name="peerEvents">for a local client: whether it is told who joins and leaves</param>
    public void Add(PeerInfo peer, IActorRef connection, bool local, bool peerEvents = false)
    {
        byId[peer.Id] = (peer, connection);
        idByConnection[connection] = peer.Id;
        if (local) localConnections.Add(connection);
        if (local && peerEvents) peerEventSubscribers.Add(connection);
        if (peer.Callsign != Callsign.Guest) latestIdByCallsign[peer.Callsign] = peer.Id;
    }

    public PeerInfo? Remove(IActorRef connection) =>
        idByConnection.TryGetValue(connection, out var id) ? RemoveById(id) : null;

    public PeerInfo? RemoveById(string id)
    {
        if (!byId.Remove(id, out var entry)) return null;
        idByConnection.Remove(entry.Connection);
        localConnections.Remove(entry.Connection);
        peerEventSubscribers.Remove(entry.Connection);
        relaysByConnection.Remove(entry.Connection);
        if (latestIdByCallsign.TryGetValue(entry.Peer.Callsign, out var latest) && latest == id)
        {
            latestIdByCallsign.Remove(entry.Peer.Callsign);
            var earlier = byId.Values.LastOrDefault(e => string.Equals(e.Peer.Callsign, entry.Peer.Callsign, StringComparison.OrdinalIgnoreCase));
            if (earlier.Peer is not null) latestIdByCallsign[earlier.Peer.Callsign] = earlier.Peer.Id;
        }

        return entry.Peer;
    }

    /// <param name="target">a clientId, or a callsign (its latest registration)</param>
    public bool TryResolve(string target, out IActorRef connection)
    {
        if (byId.TryGetValue(target, out var entry) ||
            (latestIdByCallsign.TryGetValue(target, out var id) && byId.TryGetValue(id, out entry)))
        {
            connection = entry.Connection;
            return true;
        }

        connection = ActorRefs.Nobody;
        return false;
    }

    public void CountRelayFrom(IActorRef connection)
    {
        if (idByConnection.ContainsKey(connection)) CollectionsMarshal.GetValueRefOrAddDefault(relaysByConnection, connection, out _)++;
    }

    /// <summary>The registered clients that relayed the most, most first.</summary>
    public IReadOnlyList<Talker> TopTalkers(int limit) =>
        relaysByConnection
            .OrderByDescending(e => e.Value)
            .Take(limit)
            .Select(e => new Talker(byId[idByConnection[e.Key]].Peer, e.Value))
            .ToList();

    public IReadOnlyList<PeerInfo> Peers(int limit, string? exceptId) =>
        byId.Values.Select(e => e.Peer).Where(p => p.Id != exceptId).Take(limit).ToList();
}

/// <summary>A registered client and how many messages it has had relayed.</summary>
public sealed record Talker(PeerInfo Peer, long Relayed);
