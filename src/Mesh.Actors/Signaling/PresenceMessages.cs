using Akka.Actor;
using Mesh.Actors.Mesh;

namespace Mesh.Actors.Signaling;

/// <summary>The protocol between connection actors and presence (who is connected, and where).</summary>
public static class Presence
{
    // Commands from connection actors.
    public sealed record Connect
    {
        public static readonly Connect Instance = new();
    }

    /// <param name="PeerEvents">false: the client is not told who joins and leaves (REGISTER's peerEvents)</param>
    public sealed record Register(PeerInfo Peer, bool PeerEvents = true);

    /// <param name="Frame">the *_RECEIVED frame, built once by the sender</param>
    public sealed record Relay(string Target, byte[] Frame);

    public sealed record ListPeers
    {
        public static readonly ListPeers Instance = new();
    }

    // Queries from the rest of the node.
    public sealed record GetStatistics
    {
        public static readonly GetStatistics Instance = new();
    }

    /// <summary>For operators: the registered clients on this node that relayed the most.</summary>
    public sealed record GetTopTalkers(int Limit);

    // Replies and events for connection actors.
    public sealed record Welcome(string? ServerOwner);

    /// <param name="Relays">where the connection counts the messages it relays, for the operator's top talkers</param>
    public sealed record Registered(IReadOnlyList<PeerInfo> Peers, string? ServerOwner, RelayTally Relays);

    /// <summary>
    /// A relayed frame for a client of this node named by its clientId: the target's connection
    /// actor queues it, then tells the sender <see cref="Routed"/>. Never crosses nodes.
    /// </summary>
    public sealed record DeliverRouted(byte[] Frame, string Target, IActorRef Sender);

    /// <summary>
    /// From the target's connection actor, after it queued a frame that came through presence: the
    /// sender may put its next frames for this target straight into the target's outbox (see
    /// ConnectionActor's routes for the ordering rule).
    /// </summary>
    public sealed record Routed(string Target, IActorRef Connection, ClientOutbox Outbox);

    // A join or leave reaches every registered client: its frame is written once, by presence, not
    // once per recipient.
    public sealed record PeerJoined(PeerInfo Peer)
    {
        public byte[] Frame { get; } = ServerFrames.PeerJoined(Peer);
    }

    public sealed record PeerLeft(string PeerId)
    {
        public byte[] Frame { get; } = ServerFrames.PeerLeft(PeerId);
    }

    public sealed record PeerList(IReadOnlyList<PeerInfo> Peers);

    /// <summary>A relayed frame for the target's connection actor; crosses nodes when the target is elsewhere.</summary>
    public sealed record Deliver(byte[] Frame) : IMeshMessage;

    public sealed record RelayRefused(SignalingError Error);

    public sealed record Statistics(int Connected, int Registered);

    public sealed record TopTalkers(IReadOnlyList<Talker> Talkers);
}

/// <summary>A registered client as the mesh sees it: replicated to every node, so any node can relay to it.</summary>
/// <summary>
/// How many messages one local connection has relayed: written by the connection actor, read by
/// presence for top talkers, so counting costs the relay no message to presence.
/// </summary>
public sealed class RelayTally
{
    private long count;

    public long Count => Volatile.Read(ref count);

    public void Add() => Interlocked.Increment(ref count);
}

public sealed record PresenceEntry(string ClientId, string Callsign, bool HasLicense, IActorRef Connection) : IMeshMessage
{
    public PeerInfo Peer => new(ClientId, Callsign, HasLicense);
}
