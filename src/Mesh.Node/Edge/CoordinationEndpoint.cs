// /ws/coordinate: node-to-node exchange with nodes outside the cluster. Messages in become frames for the coordination
// actor; its outbox becomes messages out. Messages here are rare and large (a CERT_SYNC of 100 chains), so each is read
// whole up to the configured limit.
using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Mesh.Actors.Mesh;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class CoordinationEndpoint
{
    private const int OutboxFrames = 256;
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

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
        var outbox = new ClientOutbox(OutboxFrames);
        // The address the other node used to reach this one is the endpoint it can announce to others.
        var endpoint = $"{context.Request.Scheme}://{context.Request.Host}";
        var opened = await coordinations.AskInTime<Coordination.Opened>(new Coordination.Open(outbox, endpoint));
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = settings.Signaling.PingInterval,
            KeepAliveTimeout = settings.Signaling.IdleTimeout,
        });
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var onClose = outbox.ClosedByNode.Register(() => abort.CancelAfter(CloseGrace));
        var writing = WriteAsync(socket, outbox, abort.Token);
        await ReadAsync(socket, opened.Connection, settings.Mesh.CoordinationMaxMessageBytes, abort.Token);
        outbox.Close(WebSocketCloseStatus.NormalClosure, "closed by the peer");
        opened.Connection.Tell(Connection.Disconnected.Instance);
        await writing;
        return Results.Empty;
    }

    private static async Task ReadAsync(WebSocket socket, IActorRef connection, int maxMessageBytes, CancellationToken aborted)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = new ArrayBufferWriter<byte>(ChunkBytes);
                long received = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(chunk.AsMemory(), aborted);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    received += result.Count;
                    // Past the limit the rest of the message is read and dropped, never kept.
                    if (received <= maxMessageBytes) message.Write(chunk.AsSpan(0, result.Count));
                } while (!result.EndOfMessage);

                connection.Tell(received > maxMessageBytes ? new Connection.OversizedFrame(received)
                    : result.MessageType == WebSocketMessageType.Binary ? Connection.BinaryFrame.Instance
                    : new Connection.InboundFrame(message.WrittenSpan.ToArray()));
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The other node vanished or stopped answering pings: the coordination actor is told by the caller.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task WriteAsync(WebSocket socket, ClientOutbox outbox, CancellationToken abort)
    {
        try
        {
            await foreach (var frame in outbox.Frames.ReadAllAsync(abort))
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, abort);
            if (outbox.Closing is { } closing && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(closing.Status, closing.Reason, abort);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is already gone; nothing is left to deliver.
        }
    }
}
