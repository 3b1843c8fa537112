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
    // Relays sent by each registered local connection (counted by the connection), for top talkers.
    private readonly Dictionary<IActorRef, RelayTally> relaysByConnection = [];

    public int Count => byId.Count;

    public int LocalCount => localConnections.Count;

    /// <summary>The registered connection actors on this node that are told who joins and leaves.</summary>
    public IEnumerable<IActorRef> PeerEventSubscribers => peerEventSubscribers;

    public string? IdOf(IActorRef connection) => idByConnection.GetValueOrDefault(connection);

    /// <param name="peerEvents">for a local client: whether it is told who joins and leaves</param>
    /// <returns>the tally a local connection counts its relays on</returns>
    public RelayTally Add(PeerInfo peer, IActorRef connection, bool local, bool peerEvents = false)
    {
        var tally = new RelayTally();
        if (local) relaysByConnection[connection] = tally;
        byId[peer.Id] = (peer, connection);
        idByConnection[connection] = peer.Id;
        if (local) localConnections.Add(connection);
        if (local && peerEvents) peerEventSubscribers.Add(connection);
        if (peer.Callsign != Callsign.Guest) latestIdByCallsign[peer.Callsign] = peer.Id;
        return tally;
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
    /// <param name="byClientId">true when the target named a clientId, which always means the same client</param>
    public bool TryResolve(string target, out IActorRef connection, out bool byClientId)
    {
        if (byId.TryGetValue(target, out var entry))
        {
            connection = entry.Connection;
            byClientId = true;
            return true;
        }

        byClientId = false;
        if (latestIdByCallsign.TryGetValue(target, out var id) && byId.TryGetValue(id, out entry))
        {
            connection = entry.Connection;
            return true;
        }

        connection = ActorRefs.Nobody;
        return false;
    }

    public bool IsLocal(IActorRef connection) => localConnections.Contains(connection);

    /// <summary>The registered clients that relayed the most, most first.</summary>
    public IReadOnlyList<Talker> TopTalkers(int limit) =>
        relaysByConnection
            .Select(e => (Connection: e.Key, Relayed: e.Value.Count))
            .Where(e => e.Relayed > 0)
            .OrderByDescending(e => e.Relayed)
            .Take(limit)
            .Select(e => new Talker(byId[idByConnection[e.Connection]].Peer, e.Relayed))
            .ToList();

    public IReadOnlyList<PeerInfo> Peers(int limit, string? exceptId) =>
        byId.Values.Select(e => e.Peer).Where(p => p.Id != exceptId).Take(limit).ToList();
}

/// <summary>A registered client and how many messages it has had relayed.</summary>
public sealed record Talker(PeerInfo Peer, long Relayed);
