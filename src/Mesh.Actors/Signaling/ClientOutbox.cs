// The bounded queue between a connection actor and the socket writer in the edge.
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Frames waiting to go out to one browser. Bounded so a client that stops reading costs a fixed
/// amount of memory: when it is full the connection actor closes the connection instead of queueing.
/// </summary>
/// <remarks>
/// One reader (the edge's socket writer) and many writers (the connection actor, and the actors of
/// clients relaying to it directly). Not a System.Threading.Channels channel: a bounded channel
/// preallocates its reader and writer waiters, about 0.7 kB a connection, and the node holds
/// thousands of connections that wait for nothing.
/// </remarks>
public sealed class ClientOutbox
{
    private readonly FrameQueue frames;
    private readonly CancellationTokenSource closedByNode = new();

    public ClientOutbox(int capacity) => frames = new FrameQueue(capacity);

    public ChannelReader<byte[]> Frames => frames;

    /// <summary>Why the node closed the connection, once it has; null while open or closed by the client.</summary>
    public CloseInstruction? Closing => frames.Closing;

    /// <summary>Trips when the node closes the connection, so the edge can stop waiting on a client that does not answer.</summary>
    public CancellationToken ClosedByNode => closedByNode.Token;

    /// <returns>false when the client has fallen a whole queue behind, or the outbox is closed.</returns>
    public bool TrySend(byte[] frame) => frames.TryWrite(frame);

    /// <summary>Ends the connection after the frames already queued; the first reason given wins.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (frames.TryComplete(new CloseInstruction(status, reason))) closedByNode.Cancel();
    }

    private sealed class FrameQueue(int capacity) : ChannelReader<byte[]>, IValueTaskSource<bool>
    {
        private readonly Queue<byte[]> queued = new();
        // The reader's continuation runs on the thread pool, never inside a writer's TrySend.
        private ManualResetValueTaskSourceCore<bool> waiter = new() { RunContinuationsAsynchronously = true };
        private bool readerWaits;
        private CancellationTokenRegistration waitCancellation;
        // Set once, under the lock, before the reader can see the queue completed.
        private volatile CloseInstruction? closing;

        public CloseInstruction? Closing => closing;

        public bool TryWrite(byte[] frame)
        {
            CancellationTokenRegistration cancellation;
            lock (queued)
            {
                if (closing is not null || queued.Count >= capacity) return false;
                queued.Enqueue(frame);
                if (!TakeWaitingReader(out cancellation)) return true;
            }

            cancellation.Dispose();
            waiter.SetResult(true);
            return true;
        }

        public bool TryComplete(CloseInstruction instruction)
        {
            CancellationTokenRegistration cancellation;
            lock (queued)
            {
                if (closing is not null) return false;
                closing = instruction;
                if (!TakeWaitingReader(out cancellation)) return true;
            }

            cancellation.Dispose();
            waiter.SetResult(false);
            return true;
        }

        public override bool TryRead([MaybeNullWhen(false)] out byte[] item)
        {
            lock (queued) return queued.TryDequeue(out item);
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        {
            lock (queued)
            {
                if (queued.Count > 0) return new ValueTask<bool>(true);
                if (closing is not null) return new ValueTask<bool>(false);
                if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<bool>(cancellationToken);
                if (readerWaits) throw new InvalidOperationException("An outbox has one reader.");
                waiter.Reset();
                readerWaits = true;
                // Registered under the (reentrant) lock: a token cancelled meanwhile runs CancelWait right here.
                if (cancellationToken.CanBeCanceled)
                    waitCancellation = cancellationToken.UnsafeRegister(static (state, token) => ((FrameQueue)state!).CancelWait(token), this);
                return new ValueTask<bool>(this, waiter.Version);
            }
        }

        private bool TakeWaitingReader(out CancellationTokenRegistration cancellation)
        {
            cancellation = waitCancellation;
            waitCancellation = default;
            if (!readerWaits) return false;
            readerWaits = false;
            return true;
        }

        private void CancelWait(CancellationToken token)
        {
            lock (queued)
            {
                if (!readerWaits) return;
                readerWaits = false;
                waitCancellation = default;
            }

            waiter.SetException(new OperationCanceledException(token));
        }

        bool IValueTaskSource<bool>.GetResult(short token) => waiter.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => waiter.GetStatus(token);

        void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            waiter.OnCompleted(continuation, state, token, flags);
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
