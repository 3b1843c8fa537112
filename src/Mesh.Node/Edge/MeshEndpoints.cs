// GET /api/mesh: the cluster as this node sees it.
using Mesh.Actors.Mesh;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class MeshEndpoints
{
    public static IEndpointRouteBuilder MapMeshEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/mesh", (MeshRuntime runtime) =>
            runtime.WithActor<MeshMembersActor>(async members =>
                Results.Json(ToJson(await members.AskInTime<MeshView>(MeshMembers.GetView.Instance)))));
        return endpoints;
    }

    /// <summary>The cluster as GET /api/mesh and meshctl cluster show give it.</summary>
    public static object ToJson(MeshView view) => new
    {
        self = view.Self,
        leader = view.Leader,
        members = view.Members.Select(m => new { address = m.Address, status = m.Status, callsign = m.Callsign, roles = m.Roles }),
        unreachable = view.Unreachable,
    };
}
