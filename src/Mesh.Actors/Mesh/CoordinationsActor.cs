using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;

namespace Mesh.Actors.Mesh;

/// <summary>Parent of every /ws/coordinate connection: one that fails is stopped, never restarted with a fresh state.</summary>
public sealed class CoordinationsActor : ReceiveActor
{
    /// <param name="ownEndpoint">the HTTP endpoint other nodes reach this one at, announced when this node dials out.</param>
    public CoordinationsActor(IActorRef authority, IActorRef peers, string ownEndpoint)
    {
        Receive<Coordination.Open>(open => Sender.Tell(new Coordination.Opened(
            Context.ActorOf(CoordinationActor.Props(open.Outbox, open.Endpoint ?? ownEndpoint, authority, peers)))));
    }

    public static Props Props(IActorRef authority, IActorRef peers, string ownEndpoint) =>
        Akka.Actor.Props.Create(() => new CoordinationsActor(authority, peers, ownEndpoint));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}

public static class CoordinationHosting
{
    /// <summary>/ws/coordinate's actors. Needs AddCertificateAuthority and AddDiscovery before it.</summary>
    /// <param name="httpPort">the port Kestrel bound; with the host other nodes reach Akka at, it is this node's endpoint.</param>
    public static AkkaConfigurationBuilder AddCoordination(this AkkaConfigurationBuilder builder, int httpPort) =>
        builder.WithActors((system, registry) => registry.Register<CoordinationsActor>(system.ActorOf(
            CoordinationsActor.Props(registry.Get<CertificateAuthority>(), registry.Get<PeerDirectoryActor>(),
                $"http://{Akka.Cluster.Cluster.Get(system).SelfAddress.Host}:{httpPort}"), "coordination")));
}
