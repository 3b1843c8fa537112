using Akka.Actor;

namespace Mesh.Actors.Signaling;

/// <summary>Parent of every connection actor: a connection that fails is stopped, never restarted with a fresh state.</summary>
public sealed class ConnectionsActor : ReceiveActor
{
    public ConnectionsActor(IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version)
    {
        Receive<Connection.Accept>(accept => Sender.Tell(new Connection.Accepted(
            Context.ActorOf(ConnectionActor.Props(accept.Outbox, presence, licenseVerifier, settings, version)
                .WithMailbox(ConnectionMailbox.Id)))));
    }

    public static Props Props(IActorRef presence, IActorRef licenseVerifier, SignalingSettings settings, string version) =>
        Akka.Actor.Props.Create(() => new ConnectionsActor(presence, licenseVerifier, settings, version));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}
