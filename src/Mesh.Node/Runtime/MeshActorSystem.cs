using Akka.Hosting;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;
using Mesh.Actors.Mesh;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;

namespace Mesh.Node.Runtime;

/// <summary>The one list of what runs inside the node's actor system.</summary>
public static class MeshActorSystem
{
    public const string Name = "mesh";

    /// <param name="httpPort">The port Kestrel bound, which discovery announces (settings.HttpPort may be 0: any free port).</param>
    public static void AddFeatures(AkkaConfigurationBuilder akka, NodeSettings settings, NodeIdentity identity, ClusterJoinHints joinHints, int httpPort)
    {
        akka.AddMesh(settings.Mesh, identity, joinHints);
        // The certificate authority registers itself as signaling's license verifier, so it comes first.
        akka.AddNodeStorage(settings.Certificates.DatabasePath)
            .AddCertificateAuthority(settings.Certificates, acrossMesh: true);
        akka.AddSignaling(settings.Signaling, identity.Version);
        akka.AddDiscovery(settings.Discovery, new LocalNode(
            identity.NodeId,
            Callsign: null,
            identity.Version,
            Capabilities: ["signaling", "webrtc", "mesh"],
            httpPort,
            SignalingPath: "/ws/signal",
            AkkaAddress: null));
        akka.AddCoordination(httpPort);
    }
}
