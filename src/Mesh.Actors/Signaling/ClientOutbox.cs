// The bounded queue between a connection actor and the socket writer in the edge.
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Frames waiting to go out to one browser. Bounded so a client that stops reading costs a fixed
/// amount of memory: when it is full the connection actor closes the connection instead of queueing.
/// </summary>
public sealed class ClientOutbox
{
    private readonly Channel<byte[]> frames;
    private readonly CancellationTokenSource closedByNode = new();
    private volatile CloseInstruction? closeInstruction;

    public ClientOutbox(int capacity)
    {
        frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<byte[]> Frames => frames.Reader;

    /// <summary>Why the node closed the connection, once it has; null while open or closed by the client.</summary>
    public CloseInstruction? Closing => closeInstruction;

    /// <summary>Trips when the node closes the connection, so the edge can stop waiting on a client that does not answer.</summary>
    public CancellationToken ClosedByNode => closedByNode.Token;

    /// <returns>false when the client has fallen a whole queue behind, or the outbox is closed.</returns>
    public bool TrySend(byte[] frame) => frames.Writer.TryWrite(frame);

    /// <summary>Ends the connection after the frames already queued; the first reason given wins.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (frames.Writer.TryComplete())
        {
            closeInstruction = new CloseInstruction(status, reason);
            closedByNode.Cancel();
        }
    }
}

public sealed record CloseInstruction(WebSocketCloseStatus Status, string Reason);

/// <summary>The close codes the node uses, written down once (contracts/signal/close-codes.md).</summary>
public static class CloseReasons
{
    public static readonly CloseInstruction NodeShuttingDown = new(WebSocketCloseStatus.EndpointUnavailable, "node shutting down");
    public static readonly CloseInstruction NodeReforming = new((WebSocketCloseStatus)1012, "node re-forming");
    public static readonly CloseInstruction RateLimitExceeded = new(WebSocketCloseStatus.PolicyViolation, "rate limit exceeded");
    public static readonly CloseInstruction InternalError = new(WebSocketCloseStatus.InternalServerError, "internal error");
    public static readonly CloseInstruction ClientTooSlow = new((WebSocketCloseStatus)1013, "client too slow");
}
