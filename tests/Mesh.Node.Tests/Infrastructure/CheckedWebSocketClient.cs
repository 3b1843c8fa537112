// A real ClientWebSocket that keeps every JSON frame it receives in order and checks each against contracts/.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Mesh.Node.Tests.Infrastructure;

public abstract class CheckedWebSocketClient(TimeSpan defaultWait, Func<string, IReadOnlyList<string>> validate) : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly Channel<JsonObject> inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> violations = [];
    private Task? receiving;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseStatusDescription => socket.CloseStatusDescription;

    /// <param name="invoker">connects through it (a network namespace's HttpClient, say) instead of the default sockets.</param>
    protected async Task OpenAsync(Uri uri, HttpMessageInvoker? invoker)
    {
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        receiving = ReceiveLoopAsync();
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame of this type; frames of other types before it are skipped.</summary>
    public async Task<JsonObject> ExpectAsync(string type, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? defaultWait);
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
            throw new TimeoutException($"no {type} within {within ?? defaultWait}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the connection closed ({socket.CloseStatus} {socket.CloseStatusDescription}) before {type} arrived");
        }
    }

    /// <summary>The next ERROR, which must carry this code and explain itself.</summary>
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
        // Every frame any test received is checked against contracts/.
        Assert.Empty(violations);
        GC.SuppressFinalize(this);
    }

    private async Task ReceiveLoopAsync()
    {
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(chunk, CancellationToken.None);
                    message.Write(chunk, 0, result.Count);
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close) break;
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                violations.AddRange(validate(text));
                inbox.Writer.TryWrite(JsonNode.Parse(text)!.AsObject());
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
