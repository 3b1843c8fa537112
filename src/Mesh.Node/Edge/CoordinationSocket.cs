// Both directions of /ws/coordinate (a node that accepts, a node that dials): messages in become frames for the coordination
// actor, its outbox becomes messages out. Messages here are rare and large (a CERT_SYNC of 100 chains), so each is read
// whole up to the configured limit.
using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Mesh.Actors.Signaling;

namespace Mesh.Node.Edge;

public static class CoordinationSocket
{
    public const int OutboxFrames = 256;
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    /// <summary>Until the socket closes, <paramref name="stop"/> fires, or the actor closes the outbox; the actor is told when it ends.</summary>
    public static async Task RunAsync(WebSocket socket, IActorRef connection, ClientOutbox outbox, int maxMessageBytes, CancellationToken stop)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var onClose = outbox.ClosedByNode.Register(() => abort.CancelAfter(CloseGrace));
        using var onAbort = SocketFrames.AbortOn(socket, abort.Token);
        var writing = SocketFrames.WriteAsync(socket, outbox, abort.Token);
        await ReadAsync(socket, connection, maxMessageBytes);
        outbox.Close(WebSocketCloseStatus.NormalClosure, "closed by the peer");
        connection.Tell(Connection.Disconnected.Instance);
        await writing;
    }

    private static async Task ReadAsync(WebSocket socket, IActorRef connection, int maxMessageBytes)
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
                    result = await socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    received += result.Count;
                    // Past the limit the rest of the message is read and dropped, never kept.
                    if (received <= maxMessageBytes) message.Write(chunk.AsSpan(0, result.Count));
                } while (!result.EndOfMessage);

                connection.Tell(SocketFrames.Inbound(received, maxMessageBytes, result.MessageType, message.WrittenSpan));
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The other node vanished or stopped answering pings, or the socket was aborted: the coordination actor is told by the caller.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
