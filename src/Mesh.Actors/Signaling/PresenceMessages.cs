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

    public sealed record Registered(IReadOnlyList<PeerInfo> Peers, string? ServerOwner);

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
public sealed record PresenceEntry(string ClientId, string Callsign, bool HasLicense, IActorRef Connection) : IMeshMessage
{
    public PeerInfo Peer => new(ClientId, Callsign, HasLicense);
}
