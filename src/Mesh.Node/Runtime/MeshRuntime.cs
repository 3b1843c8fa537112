using Akka.Actor;
using Akka.Hosting;

namespace Mesh.Node.Runtime;

/// <summary>One life of the node's actor system; a downed node gets a new one.</summary>
public sealed record Incarnation(ActorSystem System, ActorRegistry Registry, DateTimeOffset Started);

/// <summary>
/// The edge's handle on whichever actor system is current. The edge must never keep an actor ref
/// across calls: after a re-form the old system and its actors are gone.
/// </summary>
public sealed class MeshRuntime
{
    private volatile Incarnation? current;

    public Incarnation? Current => current;

    public DateTimeOffset ProcessStarted { get; } = DateTimeOffset.UtcNow;

    internal void Set(Incarnation? incarnation) => current = incarnation;
}
