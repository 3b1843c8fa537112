// What both WebSocket endpoints (/ws/signal, /ws/coordinate) do with frames: read ones become messages for the
// socket's actor, and the actor's outbox is written out, then closed the way the actor said.
using System.Net.WebSockets;
using Mesh.Actors.Signaling;

namespace Mesh.Node.Edge;

public static class SocketFrames
{
    /// <summary>A whole message read from the socket, as its actor receives it.</summary>
    public static object Inbound(long received, int maxMessageBytes, WebSocketMessageType type, ReadOnlySpan<byte> message) =>
        received > maxMessageBytes ? new Connection.OversizedFrame(received)
        : type == WebSocketMessageType.Binary ? Connection.BinaryFrame.Instance
        : new Connection.InboundFrame(message.ToArray());

    /// <summary>
    /// Stops the socket when <paramref name="abort"/> fires: what is pending on it fails at once. The endpoints
    /// read and send without a token because of this: a cancellable WebSocket call takes the slow path,
    /// registering and unregistering the token every time, twice a relayed message.
    /// </summary>
    public static CancellationTokenRegistration AbortOn(WebSocket socket, CancellationToken abort) => abort.Register(socket.Abort);

    /// <summary>
    /// Sends the outbox's frames until it completes (the endpoint completes it when its reader ends), then the
    /// close frame the actor chose, if the socket is still open. Sends fail once the socket is aborted (<see cref="AbortOn"/>).
    /// </summary>
    public static async Task WriteAsync(WebSocket socket, ClientOutbox outbox, CancellationToken abort)
    {
        try
        {
            await foreach (var frame in outbox.Frames.ReadAllAsync(CancellationToken.None))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
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
