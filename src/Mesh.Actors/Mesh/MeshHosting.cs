using Akka.Hosting;
using Mesh.Actors.Node;

namespace Mesh.Actors.Mesh;

public static class MeshHosting
{
    /// <summary>
    /// The cross-node serializer, the joining policy and the members view. Runs before signaling so
    /// the serialization bindings are in place before anything crosses a node.
    /// </summary>
    public static AkkaConfigurationBuilder AddMesh(this AkkaConfigurationBuilder builder, MeshSettings settings, NodeIdentity identity, ClusterJoinHints hints) =>
        builder
            .AddHocon(MeshSerialization.Config, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                registry.Register<ClusterJoinActor>(system.ActorOf(ClusterJoinActor.Props(hints, settings.FormAloneAfter), "cluster-join"));
                registry.Register<MeshMembersActor>(system.ActorOf(MeshMembersActor.Props(identity.NodeId, callsign: null), "mesh-members"));
            });
}
