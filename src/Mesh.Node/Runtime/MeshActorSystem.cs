using Akka.Hosting;
using Mesh.Actors.Mesh;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;

namespace Mesh.Node.Runtime;

/// <summary>The one list of what runs inside the node's actor system.</summary>
public static class MeshActorSystem
{
    public const string Name = "mesh";

    public static void AddFeatures(AkkaConfigurationBuilder akka, NodeSettings settings, NodeIdentity identity, ClusterJoinHints joinHints)
    {
        akka.AddMesh(settings.Mesh, identity, joinHints);
        akka.AddSignaling(settings.Signaling, identity.Version);
    }
}
