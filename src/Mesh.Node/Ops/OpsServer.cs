// The loopback ops endpoint meshctl talks to: newline-delimited JSON over TCP on 127.0.0.1 only.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Mesh.Actors.Node;
using Mesh.Actors.Ops;
using Mesh.Node.Runtime;

namespace Mesh.Node.Ops;

/// <summary>
/// Cluster operations can down nodes, so the listener is bound to 127.0.0.1 and nothing else: whoever
/// may run meshctl on the machine may operate the node, nobody on the network may. The first line of
/// a connection must be a JSON request, so a browser's HTTP request (DNS rebinding) is refused.
/// </summary>
public sealed class OpsServer(NodeSettings settings, OpsCommands commands, MeshRuntime runtime, ILogger<OpsServer> log) : BackgroundService
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private TcpListener? listener;

    /// <summary>
    /// Binds the port. Program calls this before the host starts, so a port already taken stops
    /// start-up with one line naming the key instead of a host failure with a stack trace.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">the port cannot be had</exception>
    public void Listen()
    {
        if (settings.OpsPort == 0 || listener is not null) return;
        var bound = new TcpListener(IPAddress.Loopback, settings.OpsPort);
        try
        {
            bound.Start();
        }
        catch (SocketException error)
        {
            throw new InvalidConfigurationException("ops.port", $"cannot listen on 127.0.0.1:{settings.OpsPort} ({error.Message})");
        }

        listener = bound;
        log.LogInformation("Ops endpoint listening on {Endpoint} (meshctl --port {Port})", bound.LocalEndpoint, settings.OpsPort);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.OpsPort == 0)
        {
            log.LogInformation("Ops endpoint off (mesh.ops.port = 0)");
            return Task.CompletedTask;
        }

        Listen();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (listener is null) return;
        using var stopListening = stopping.Register(listener.Stop);
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            _ = ServeAsync(client, stopping);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stopping)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                OpsRequest request;
                try
                {
                    var line = await ReadLineAsync(stream, stopping);
                    request = OpsJson.ParseRequest(line);
                }
                catch (JsonException error)
                {
                    await WriteAsync(stream, OpsReply.Failure(OpsErrors.BadRequest, $"Send one JSON request line: {error.Message}"), stopping);
                    return;
                }

                if (request is { Palette: "cluster", Command: "tail" })
                {
                    await TailAsync(stream, stopping);
                }
                else
                {
                    await WriteAsync(stream, await commands.ExecuteAsync(request), stopping);
                }
            }
            catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // meshctl went away (Ctrl+C on tail), was too slow to ask, or the node is stopping.
            }
            catch (Exception error)
            {
                // No one awaits this connection's task: a failure would vanish unless logged here.
                log.LogError(error, "An ops request failed");
            }
        }
    }

    /// <summary>Membership events until meshctl disconnects; across a re-form it follows the new actor system.</summary>
    private async Task TailAsync(NetworkStream stream, CancellationToken stopping)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // meshctl sends nothing more: a read that ends means it hung up.
        _ = WatchForHangUpAsync(stream, watching);
        Incarnation? previous = null;
        while (!watching.IsCancellationRequested)
        {
            var incarnation = runtime.Current;
            if (incarnation is null || ReferenceEquals(incarnation, previous))
            {
                await Task.Delay(200, watching.Token);
                continue;
            }

            var events = Channel.CreateBounded<MembershipEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
            var tail = incarnation.System.ActorOf(MembershipTailActor.Props(events.Writer));
            try
            {
                await foreach (var change in events.Reader.ReadAllAsync(watching.Token))
                {
                    await WriteAsync(stream, new OpsEvent(change), watching.Token);
                }
            }
            finally
            {
                incarnation.System.Stop(tail);
            }

            previous = incarnation;
            await WriteAsync(stream, new OpsEvent(new MembershipEvent("NodeReforming", "", "", DateTimeOffset.UtcNow)), watching.Token);
        }
    }

    private static async Task WatchForHangUpAsync(NetworkStream stream, CancellationTokenSource watching)
    {
        try
        {
            await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, watching.Token);
            watching.Cancel();
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The tail already ended, or the connection broke: either way there is nothing left to stop.
        }
    }

    private static async Task<byte[]> ReadLineAsync(NetworkStream stream, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
            if (read == 0) break;
            var end = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (end >= 0) return buffer[..end];
        }

        throw new JsonException(length == buffer.Length ? $"the request is longer than {MaxRequestBytes} bytes" : "the connection ended before a whole line");
    }

    private static async Task WriteAsync<T>(NetworkStream stream, T message, CancellationToken cancel)
    {
        await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, OpsJson.Options), cancel);
        await stream.WriteAsync(NewLine, cancel);
    }
}
