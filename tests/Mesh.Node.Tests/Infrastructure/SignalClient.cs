using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.Node.Tests.Contracts;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>A real ClientWebSocket speaking /ws/signal; every frame received is kept in order.</summary>
public sealed class SignalClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket socket = new();
    private readonly Channel<JsonObject> inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> violations = [];
    private Task? receiving;

    public string? ClientId { get; private set; }

    public JsonObject? Hello { get; private set; }

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseStatusDescription => socket.CloseStatusDescription;

    /// <param name="invoker">connects through it (a network namespace's HttpClient, say) instead of the default sockets.</param>
    public static async Task<SignalClient> ConnectAsync(Uri uri, HttpMessageInvoker? invoker = null)
    {
        var client = new SignalClient();
        await client.socket.ConnectAsync(uri, invoker, CancellationToken.None);
        client.receiving = client.ReceiveLoopAsync();
        client.Hello = await client.ExpectAsync("HELLO");
        return client;
    }

    /// <summary>Connects and registers; returns once REGISTERED has arrived.</summary>
    public static async Task<SignalClient> RegisterAsync(Uri uri, string callsign = "GUEST", HttpMessageInvoker? invoker = null)
    {
        var client = await ConnectAsync(uri, invoker);
        await client.SendAsync(new { type = "REGISTER", callsign });
        var registered = await client.ExpectAsync("REGISTERED");
        client.ClientId = registered["clientId"]!.GetValue<string>();
        return client;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame of this type; frames of other types before it are skipped.</summary>
    public async Task<JsonObject> ExpectAsync(string type, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? DefaultWait);
        try
        {
            while (true)
            {
                var frame = await inbox.Reader.ReadAsync(timeout.Token);
                if (frame["type"]?.GetValue<string>() == type) return frame;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {type} within {within ?? DefaultWait}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the connection closed ({socket.CloseStatus} {socket.CloseStatusDescription}) before {type} arrived");
        }
    }

    /// <summary>The next ERROR, failing if any other frame but presence news comes first.</summary>
    public async Task<JsonObject> ExpectErrorAsync(string code)
    {
        var error = await ExpectAsync("ERROR");
        Assert.Equal(code, error["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["details"]?.GetValue<string>()), "an ERROR must explain itself");
        return error;
    }

    /// <summary>Frames received so far and not yet read.</summary>
    public List<JsonObject> Drain()
    {
        var frames = new List<JsonObject>();
        while (inbox.Reader.TryRead(out var frame)) frames.Add(frame);
        return frames;
    }

    public async Task WaitUntilClosedAsync(TimeSpan within) => await closed.Task.WaitAsync(within);

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // The node already went away.
            }
        }

        socket.Dispose();
        if (receiving is not null) await receiving;
        // Every frame any test received is checked against contracts/signal/.
        Assert.Empty(violations);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1024 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close) break;
                inbox.Writer.TryWrite(JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject());
                violations.AddRange(ContractSchemas.Instance.ValidateSignalMessage(Encoding.UTF8.GetString(buffer, 0, length)));
            }
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended; CloseStatus says how.
        }
        finally
        {
            inbox.Writer.TryComplete();
            closed.TrySetResult();
        }
    }
}
