// The dialling side of /ws/coordinate: this node connects to a node outside its cluster, and both exchange what
// they announce and trust, exactly as when the other node connects here.
using System.Diagnostics;
using System.Net.WebSockets;
using Akka.Actor;
using Mesh.Actors.Mesh;
using Mesh.Actors.Signaling;

namespace Mesh.Node.Edge;

public static class CoordinationDialer
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    // Both sides send everything at once; when nothing has changed for this long, the exchange is over.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);
    // Within meshctl's wait for an answer.
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(10);

    /// <param name="peer">the other node's HTTP endpoint (http://host:port).</param>
    public static async Task<Coordination.Summary> SyncAsync(IActorRef coordinations, string peer, int maxMessageBytes, CancellationToken cancel)
    {
        var uri = new UriBuilder(peer) { Scheme = peer.StartsWith("https:", StringComparison.Ordinal) ? "wss" : "ws", Path = "/ws/coordinate" }.Uri;
        using var socket = new ClientWebSocket();
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            connecting.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(uri, connecting.Token);
        }
        var outbox = new ClientOutbox(CoordinationSocket.OutboxFrames);
        var opened = await coordinations.AskInTime<Coordination.Opened>(new Coordination.Open(outbox, Endpoint: null));
        var running = CoordinationSocket.RunAsync(socket, opened.Connection, outbox, maxMessageBytes, cancel);
        var summary = await UntilQuietAsync(opened.Connection, running, cancel);
        outbox.Close(WebSocketCloseStatus.NormalClosure, "sync done");
        await running;
        return summary;
    }

    private static async Task<Coordination.Summary> UntilQuietAsync(IActorRef connection, Task running, CancellationToken cancel)
    {
        var elapsed = Stopwatch.StartNew();
        var sinceChange = Stopwatch.StartNew();
        Coordination.Summary? last = null;
        while (!running.IsCompleted && elapsed.Elapsed < Longest)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel);
            Coordination.Summary now;
            try
            {
                now = await connection.AskInTime<Coordination.Summary>(Coordination.GetSummary.Instance);
            }
            catch (AskTimeoutException)
            {
                // The other node closed the connection and its actor is gone: what it last said stands.
                break;
            }
            if (last is null || Changed(last, now))
            {
                last = now;
                sinceChange.Restart();
            }
            else if (sinceChange.Elapsed >= Quiet && now.PeerEndpoint is not null)
            {
                break;
            }
        }
        return last ?? new Coordination.Summary(null, null, 0, 0, 0, 0, []);
    }

    private static bool Changed(Coordination.Summary before, Coordination.Summary after) =>
        before with { Errors = [] } != after with { Errors = [] } || before.Errors.Count != after.Errors.Count;
}
