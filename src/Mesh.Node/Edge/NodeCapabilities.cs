// What the node offers, as /api/info and /api/node-certificate list it: `ca` once it holds a node certificate that may issue.
using Mesh.Actors.Certificates;

namespace Mesh.Node.Edge;

public static class NodeCapabilities
{
    public static string[] Of(AuthorityStatus authority) =>
        authority.CanIssue ? ["signaling", "webrtc", "ca", "mesh"] : ["signaling", "webrtc", "mesh"];
}
