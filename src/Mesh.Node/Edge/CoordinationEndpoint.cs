// /ws/coordinate: node-to-node exchange with nodes outside the cluster, the accepting side (CoordinationDialer is the other).
using System.Net.WebSockets;
using Akka.Actor;
using Mesh.Actors.Mesh;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class CoordinationEndpoint
{
    public static IEndpointRouteBuilder MapCoordination(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws/coordinate", (HttpContext context, MeshRuntime runtime, NodeSettings settings) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                return Task.FromResult(ErrorResults.Problem(StatusCodes.Status400BadRequest, "WEBSOCKET_REQUIRED", "Connect to /ws/coordinate with a WebSocket."));
            return runtime.WithActor<CoordinationsActor>(coordinations => ExchangeAsync(context, coordinations, settings));
        });
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, IActorRef coordinations, NodeSettings settings)
    {
        var outbox = new ClientOutbox(CoordinationSocket.OutboxFrames);
        // The address the other node used to reach this one is the endpoint it can announce to others.
        var endpoint = $"{context.Request.Scheme}://{context.Request.Host}";
        var opened = await coordinations.AskInTime<Coordination.Opened>(new Coordination.Open(outbox, endpoint));
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = settings.Signaling.PingInterval,
            KeepAliveTimeout = settings.Signaling.IdleTimeout,
        });
        await CoordinationSocket.RunAsync(socket, opened.Connection, outbox, settings.Mesh.CoordinationMaxMessageBytes, context.RequestAborted);
        return Results.Empty;
    }
}
