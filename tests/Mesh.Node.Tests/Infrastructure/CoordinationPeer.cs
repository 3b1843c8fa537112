// A node outside the cluster, as another implementation would be: a bare WebSocket on /ws/coordinate. Every frame it
// receives is checked against contracts/coordinate/.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.Node.Tests.Contracts;

namespace Mesh.Node.Tests.Infrastructure;

public sealed class CoordinationPeer : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly List<string> _violations = [];
    private Task? _receiving;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<CoordinationPeer> ConnectAsync(Uri node)
    {
        var peer = new CoordinationPeer();
        await peer._socket.ConnectAsync(new Uri($"ws://{node.Authority}/ws/coordinate"), CancellationToken.None);
        peer._receiving = peer.ReceiveLoopAsync();
        return peer;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) => _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame of this type; frames of other types before it are kept in <see cref="Skipped"/>.</summary>
    public async Task<JsonObject> ExpectAsync(string type, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? DefaultWait);
        try
        {
            while (true)
            {
                var frame = await _inbox.Reader.ReadAsync(timeout.Token);
                if (frame["type"]?.GetValue<string>() == type) return frame;
                Skipped.Add(frame);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {type} within {within ?? DefaultWait}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the connection closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before {type} arrived");
        }
    }

    /// <summary>The SYNC_RESULT answering a message of type <paramref name="of"/>.</summary>
    public async Task<JsonObject> ExpectResultAsync(string of)
    {
        while (true)
        {
            var result = await ExpectAsync("SYNC_RESULT");
            if (result["of"]!.GetValue<string>() == of) return result;
        }
    }

    public async Task<JsonObject> ExpectErrorAsync(string code)
    {
        var error = await ExpectAsync("ERROR");
        Assert.Equal(code, error["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["details"]?.GetValue<string>()), "an ERROR must explain itself");
        return error;
    }

    public List<JsonObject> Skipped { get; } = [];

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // The node already went away.
            }
        }
        _socket.Dispose();
        if (_receiving is not null) await _receiving;
        Assert.Empty(_violations);
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
                    result = await _socket.ReceiveAsync(chunk, CancellationToken.None);
                    message.Write(chunk, 0, result.Count);
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                _violations.AddRange(ContractSchemas.Instance.ValidateCoordinateMessage(text));
                _inbox.Writer.TryWrite(JsonNode.Parse(text)!.AsObject());
            }
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended; CloseStatus says how.
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }
}
