// /ws/signal: frames in become messages to the connection actor; the actor's outbox becomes frames out.
using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Mesh.Actors.Node;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class SignalingEndpoint
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(5);
    // How long a client the node is closing gets to take its last frames and answer the close.
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);
    // One offer or answer with its SDP fits in a chunk; longer messages are gathered chunk by chunk.
    private const int ChunkBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapSignaling(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws/signal", (HttpContext context, MeshRuntime runtime, NodeSettings settings) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                return Task.FromResult(ErrorResults.Problem(StatusCodes.Status400BadRequest, "WEBSOCKET_REQUIRED", "Connect to /ws/signal with a WebSocket."));
            return runtime.WithActor<ConnectionsActor>(connections => RelayAsync(context, connections, settings.Signaling));
        });
        return endpoints;
    }

    private static async Task<IResult> RelayAsync(HttpContext context, IActorRef connections, SignalingSettings signaling)
    {
        var outbox = new ClientOutbox(signaling.OutboundQueue);
        var accepted = await connections.Ask<Connection.Accepted>(new Connection.Accept(outbox), AcceptTimeout, context.RequestAborted);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = signaling.PingInterval,
            KeepAliveTimeout = signaling.IdleTimeout,
        });
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var onClose = outbox.ClosedByNode.Register(() => abort.CancelAfter(CloseGrace));
        using var onAbort = SocketFrames.AbortOn(socket, abort.Token);
        var writing = SocketFrames.WriteAsync(socket, outbox, abort.Token);
        await ReadFramesAsync(socket, accepted.Connection, signaling.MaxMessageBytes);
        outbox.Close(WebSocketCloseStatus.NormalClosure, "closed by the client");
        accepted.Connection.Tell(Connection.Disconnected.Instance);
        await writing;
        return Results.Empty;
    }

    private static async Task ReadFramesAsync(WebSocket socket, IActorRef connection, int maxMessageBytes)
    {
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // Held clients are the common case: wait for data holding no buffer, and rent one only
                // while a message is read (a pooled chunk per idle client dominated its memory).
                var ready = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (ready.MessageType == WebSocketMessageType.Close) return;
                if (ready.EndOfMessage)
                {
                    connection.Tell(SocketFrames.Inbound(0, maxMessageBytes, ready.MessageType, []));
                    continue;
                }

                var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                try
                {
                    var result = await socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    long received = result.Count;
                    if (result.EndOfMessage)
                    {
                        connection.Tell(SocketFrames.Inbound(received, maxMessageBytes, result.MessageType, chunk.AsSpan(0, result.Count)));
                        continue;
                    }

                    var message = new ArrayBufferWriter<byte>(2 * ChunkBytes);
                    if (received <= maxMessageBytes) message.Write(chunk.AsSpan(0, result.Count));
                    do
                    {
                        result = await socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close) return;
                        received += result.Count;
                        // Past the limit the rest of the message is read and dropped, never kept.
                        if (received <= maxMessageBytes) message.Write(chunk.AsSpan(0, result.Count));
                    } while (!result.EndOfMessage);

                    connection.Tell(SocketFrames.Inbound(received, maxMessageBytes, result.MessageType, message.WrittenSpan));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client vanished or stopped answering pings, or the socket was aborted: the connection actor is told below.
        }
    }
}
