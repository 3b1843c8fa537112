// GET /api/mesh: the cluster as this node sees it.
using Akka.Actor;
using Mesh.Actors.Mesh;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class MeshEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapMeshEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/mesh", async (MeshRuntime runtime) =>
        {
            if (runtime.Current?.Registry.TryGet<MeshMembersActor>(out var members) != true) return ErrorResults.NodeStarting();
            var view = await members!.Ask<MeshView>(MeshMembers.GetView.Instance, AskTimeout);
            return Results.Json(new
            {
                self = view.Self,
                leader = view.Leader,
                members = view.Members.Select(m => new { address = m.Address, status = m.Status, callsign = m.Callsign, roles = m.Roles }),
                unreachable = view.Unreachable,
            });
        });
        return endpoints;
    }
}
