using Akka.Actor;
using Akka.Event;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Knows every connection on this node and every registered client, resolves relay targets
/// (clientId or callsign) and tells registered clients who joins and leaves.
/// </summary>
public sealed class PresenceActor : ReceiveActor
{
    private readonly HashSet<IActorRef> connections = [];
    private readonly PresenceDirectory directory = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly int peerListLimit;
    private string? serverOwner;

    public PresenceActor(int peerListLimit)
    {
        this.peerListLimit = peerListLimit;
        Receive<Presence.Connect>(_ =>
        {
            if (connections.Add(Sender)) Context.Watch(Sender);
            Sender.Tell(new Presence.Welcome(serverOwner));
        });
        Receive<Presence.Register>(Register);
        Receive<Presence.Relay>(Relay);
        Receive<Presence.ListPeers>(_ => Sender.Tell(new Presence.PeerList(directory.Peers(peerListLimit, directory.IdOf(Sender)))));
        Receive<Presence.SetServerOwner>(owner => serverOwner = owner.Owner);
        Receive<Presence.GetStatistics>(_ => Sender.Tell(new Presence.Statistics(connections.Count, directory.Count)));
        Receive<Presence.GetTopTalkers>(query => Sender.Tell(new Presence.TopTalkers(directory.TopTalkers(query.Limit))));
        Receive<Terminated>(terminated => Leave(terminated.ActorRef));
    }

    /// <param name="peerListLimit">most peers in one REGISTERED or PEERS message</param>
    public static Props Props(int peerListLimit) => Akka.Actor.Props.Create(() => new PresenceActor(peerListLimit));

    private void Register(Presence.Register register)
    {
        var peers = directory.Peers(peerListLimit, exceptId: null);
        directory.Add(register.Peer, Sender);
        Sender.Tell(new Presence.Registered(peers, serverOwner));
        var joined = new Presence.PeerJoined(register.Peer);
        foreach (var other in directory.Connections)
        {
            if (!other.Equals(Sender)) other.Tell(joined);
        }

        log.Debug("{Callsign} registered as {ClientId}", register.Peer.Callsign, register.Peer.Id);
    }

    private void Relay(Presence.Relay relay)
    {
        directory.CountRelayFrom(Sender);
        if (directory.TryResolve(relay.Target, out var target))
        {
            target.Tell(new Presence.Deliver(relay.Frame));
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

        var left = new Presence.PeerLeft(peer.Id);
        foreach (var other in directory.Connections) other.Tell(left);
        log.Debug("{Callsign} ({ClientId}) left", peer.Callsign, peer.Id);
    }
}
