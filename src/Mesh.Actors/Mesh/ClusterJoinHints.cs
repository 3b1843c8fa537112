using Akka.Actor;

namespace Mesh.Actors.Mesh;

/// <summary>
/// Outlives actor system incarnations: a node that gives up its own cluster to join another leaves
/// here the address to join, and its next incarnation joins it instead of forming alone.
/// </summary>
public sealed class ClusterJoinHints
{
    private Address? next;

    public void JoinNextTime(Address address) => Interlocked.Exchange(ref next, address);

    public Address? TakeNext() => Interlocked.Exchange(ref next, null);
}
