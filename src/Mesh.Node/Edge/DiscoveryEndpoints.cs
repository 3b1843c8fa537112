// /api/peers and /api/local-servers: the peers this node knows, read from the PeerDirectoryActor.
using Akka.Actor;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class DiscoveryEndpoints
{
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/peers", (MeshRuntime runtime) =>
            runtime.WithActor<PeerDirectoryActor>(async directory =>
            {
                var peers = await directory.AskInTime<PeerDirectoryReplies.Peers>(PeerDirectoryQueries.GetPeers.Instance);
                return Results.Json(peers.Items.Select(ToJson));
            }));

        endpoints.MapPost("/api/peers", (HttpRequest http, MeshRuntime runtime) =>
        {
            var incarnation = runtime.Current;
            return incarnation.WithActor<CertificateAuthority>(authority => incarnation.WithActor<PeerDirectoryActor>(async directory =>
            {
                if (await OwnerGuard.RefuseUnlessOwnerAsync(http, authority) is { } refusal) return refusal;

                AddPeerRequest? request;
                try
                {
                    request = await http.ReadFromJsonAsync<AddPeerRequest>();
                }
                catch (Exception error) when (error is System.Text.Json.JsonException or InvalidOperationException)
                {
                    return ErrorResults.Problem(StatusCodes.Status400BadRequest, "INVALID_JSON", "The body must be a JSON object {\"endpoint\": \"http://host:port\"}.");
                }

                if (request?.Endpoint is null)
                    return ErrorResults.Problem(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "Send {\"endpoint\": \"http://host:port\", \"callsign\": optional}.");
                var reply = await directory.AskInTime<object>(new PeerDirectoryCommands.AddPeer(request.Endpoint, request.Callsign, DiscoveryMethod.Manual));
                return reply switch
                {
                    PeerDirectoryReplies.PeerAdded added => Results.Json(ToJson(added.Peer), statusCode: StatusCodes.Status201Created),
                    PeerDirectoryReplies.PeerRejected { Error: "TOO_MANY_PEERS" } rejected => ErrorResults.Problem(StatusCodes.Status429TooManyRequests, rejected.Error, rejected.Details),
                    PeerDirectoryReplies.PeerRejected rejected => ErrorResults.Problem(StatusCodes.Status400BadRequest, rejected.Error, rejected.Details),
                    _ => throw new InvalidOperationException($"PeerDirectoryActor replied {reply.GetType().Name} to AddPeer"),
                };
            }));
        });

        endpoints.MapGet("/api/local-servers", (MeshRuntime runtime) =>
            runtime.WithActor<PeerDirectoryActor>(async directory =>
            {
                var servers = await directory.AskInTime<PeerDirectoryReplies.LocalServers>(PeerDirectoryQueries.GetLocalServers.Instance);
                return Results.Json(new
                {
                    servers = servers.Items.Select(s => new { callsign = s.Callsign, endpoint = s.Endpoint, signalingUrl = s.SignalingUrl, capabilities = s.Capabilities }),
                });
            }));

        return endpoints;
    }

    /// <summary>A peer as GET /api/peers and meshctl show it.</summary>
    public static object ToJson(PeerView peer) => new
    {
        endpoint = peer.Endpoint,
        callsign = peer.Callsign,
        capabilities = peer.Capabilities,
        lastContact = peer.LastContact,
        discoveryMethod = peer.DiscoveryMethod.ToWire(),
        confirmed = peer.Confirmed,
        quality = peer.Quality,
        nodeId = peer.NodeId,
        signalingUrl = peer.SignalingUrl,
        akkaAddress = peer.AkkaAddress,
    };

    public sealed record AddPeerRequest(string? Endpoint, string? Callsign);
}
