using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;

namespace Mesh.Actors.Mesh;

/// <summary>Parent of every /ws/coordinate connection: one that fails is stopped, never restarted with a fresh state.</summary>
public sealed class CoordinationsActor : ReceiveActor
{
    public CoordinationsActor(IActorRef authority, IActorRef peers)
    {
        Receive<Coordination.Open>(open => Sender.Tell(new Coordination.Opened(
            Context.ActorOf(CoordinationActor.Props(open.Outbox, open.Endpoint, authority, peers)))));
    }

    public static Props Props(IActorRef authority, IActorRef peers) => Akka.Actor.Props.Create(() => new CoordinationsActor(authority, peers));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}

public static class CoordinationHosting
{
    /// <summary>/ws/coordinate's actors. Needs AddCertificateAuthority and AddDiscovery before it.</summary>
    public static AkkaConfigurationBuilder AddCoordination(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) => registry.Register<CoordinationsActor>(system.ActorOf(
            CoordinationsActor.Props(registry.Get<CertificateAuthority>(), registry.Get<PeerDirectoryActor>()), "coordination")));
}
