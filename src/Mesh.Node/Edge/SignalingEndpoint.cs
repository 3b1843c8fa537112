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

    public static IEndpointRouteBuilder MapSignaling(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws/signal", async (HttpContext context, MeshRuntime runtime, NodeSettings settings) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                return ErrorResults.Problem(StatusCodes.Status400BadRequest, "WEBSOCKET_REQUIRED", "Connect to /ws/signal with a WebSocket.");
            if (runtime.Current?.Registry.TryGet<ConnectionsActor>(out var connections) != true)
                return ErrorResults.NodeStarting();

            var signaling = settings.Signaling;
            var outbox = new ClientOutbox(signaling.OutboundQueue);
            var accepted = await connections!.Ask<Connection.Accepted>(new Connection.Accept(outbox), AcceptTimeout, context.RequestAborted);
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = signaling.PingInterval,
                KeepAliveTimeout = signaling.IdleTimeout,
            });
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            using var onClose = outbox.ClosedByNode.Register(() => abort.CancelAfter(CloseGrace));
            var writing = WriteFramesAsync(socket, outbox, abort.Token);
            await ReadFramesAsync(socket, accepted.Connection, signaling.MaxMessageBytes, abort.Token);
            outbox.Close(WebSocketCloseStatus.NormalClosure, "closed by the client");
            accepted.Connection.Tell(Connection.Disconnected.Instance);
            await writing;
            return Results.Empty;
        });
        return endpoints;
    }

    private static async Task ReadFramesAsync(WebSocket socket, IActorRef connection, int maxMessageBytes, CancellationToken aborted)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(4 * 1024);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                message.ResetWrittenCount();
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
            // The client vanished or stopped answering pings: the connection actor is told below.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task WriteFramesAsync(WebSocket socket, ClientOutbox outbox, CancellationToken abort)
    {
        try
        {
            await foreach (var frame in outbox.Frames.ReadAllAsync(abort))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, abort);
            }

            if (outbox.Closing is { } closing && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(closing.Status, closing.Reason, abort);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is already gone; nothing is left to deliver.
        }
    }
}
