using System.Net.Sockets;
using System.Text;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Signaling;

/// <summary>Each per-client limit, lowered in HOCON so a test can trip it.</summary>
public sealed class SignalingLimitTests
{
    [Fact]
    public async Task A_client_over_its_message_allowance_is_rate_limited_and_then_disconnected()
    {
        await using var node = await NodeProcess.StartAsync("""
            mesh.signaling.rate-limit { messages-per-minute = 6, burst = 5, close-after-refusals = 20 }
            """);
        await using var bystander = await SignalClient.RegisterAsync(node.SignalUri);
        await using var flooder = await SignalClient.RegisterAsync(node.SignalUri);

        for (var i = 0; i < 4; i++) await flooder.SendAsync(new { type = "LIST_PEERS" });
        for (var i = 0; i < 4; i++) await flooder.ExpectAsync("PEERS");
        await flooder.SendAsync(new { type = "LIST_PEERS" });
        await flooder.ExpectErrorAsync("RATE_LIMITED");

        for (var i = 0; i < 30; i++) await flooder.SendAsync(new { type = "LIST_PEERS" });
        await flooder.WaitUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, flooder.CloseStatus);
        Assert.Equal("rate limit exceeded", flooder.CloseStatusDescription);

        await bystander.ExpectAsync("PEER_LEFT");
        await bystander.SendAsync(new { type = "LIST_PEERS" });
        await bystander.ExpectAsync("PEERS");
    }

    [Fact]
    public async Task Ice_candidates_past_the_session_limit_are_refused_until_a_new_offer()
    {
        await using var node = await NodeProcess.StartAsync("mesh.signaling.ice-candidates-per-session = 3");
        await using var alice = await SignalClient.RegisterAsync(node.SignalUri);
        await using var bob = await SignalClient.RegisterAsync(node.SignalUri);
        var candidate = new { candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMLineIndex = 0, sdpMid = "0" };

        for (var i = 0; i < 3; i++) await alice.SendAsync(new { type = "ICE_CANDIDATE", target = bob.ClientId, candidate });
        await alice.SendAsync(new { type = "ICE_CANDIDATE", target = bob.ClientId, candidate });

        await alice.ExpectErrorAsync("ICE_LIMIT");
        for (var i = 0; i < 3; i++) await bob.ExpectAsync("ICE_CANDIDATE_RECEIVED");

        await alice.SendTextAsync(SignalingRelayTests.Offer(bob.ClientId!).ToJsonString());
        await alice.SendAsync(new { type = "ICE_CANDIDATE", target = bob.ClientId, candidate });
        await bob.ExpectAsync("OFFER_RECEIVED");
        await bob.ExpectAsync("ICE_CANDIDATE_RECEIVED");
    }

    [Fact]
    public async Task A_client_that_stops_answering_pings_is_dropped_after_the_idle_timeout()
    {
        await using var node = await NodeProcess.StartAsync("mesh.signaling { idle-timeout = 1s, ping-interval = 500ms }");
        await using var watcher = await SignalClient.RegisterAsync(node.SignalUri);
        using var silent = await RawWebSocket.OpenAsync(node.Port);
        await silent.SendTextAsync("{\"type\":\"REGISTER\",\"callsign\":\"GUEST\"}");
        var silentId = (await watcher.ExpectAsync("PEER_JOINED"))["peer"]!["id"]!.GetValue<string>();

        // The raw client never reads, so it never answers the node's pings.
        var left = await watcher.ExpectAsync("PEER_LEFT", TimeSpan.FromSeconds(10));

        Assert.Equal(silentId, left["peerId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_live_client_that_sends_nothing_stays_connected_past_the_idle_timeout()
    {
        await using var node = await NodeProcess.StartAsync("mesh.signaling { idle-timeout = 1s, ping-interval = 300ms }");
        await using var quiet = await SignalClient.RegisterAsync(node.SignalUri);

        await Task.Delay(TimeSpan.FromSeconds(3));

        await quiet.SendAsync(new { type = "LIST_PEERS" });
        await quiet.ExpectAsync("PEERS");
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_the_others_are_still_served()
    {
        await using var node = await NodeProcess.StartAsync("""
            mesh.signaling { outbound-queue = 64, rate-limit { messages-per-minute = 100000, burst = 100000 } }
            """);
        await using var sender = await SignalClient.RegisterAsync(node.SignalUri);
        using var stuck = await RawWebSocket.OpenAsync(node.Port);
        await stuck.SendTextAsync("{\"type\":\"REGISTER\",\"callsign\":\"GUEST\"}");
        var stuckId = (await sender.ExpectAsync("PEER_JOINED"))["peer"]!["id"]!.GetValue<string>();
        await using var other = await SignalClient.RegisterAsync(node.SignalUri);

        // 60 KB offers until the socket buffers and the 64-frame queue are full and the node lets go.
        var bigSdp = new string('s', 60_000);
        System.Text.Json.Nodes.JsonObject? left = null;
        for (var i = 0; i < 1000 && left is null; i++)
        {
            await sender.SendAsync(new { type = "OFFER", target = stuckId, offer = new { type = "offer", sdp = bigSdp } });
            if (i % 10 == 9) left = other.Drain().FirstOrDefault(frame => frame["type"]!.GetValue<string>() == "PEER_LEFT");
        }

        left ??= await other.ExpectAsync("PEER_LEFT", TimeSpan.FromSeconds(20));
        Assert.Equal(stuckId, left["peerId"]!.GetValue<string>());
        // The log line and PEER_LEFT leave the node on different paths: wait for the line rather than race it.
        for (var waited = 0; waited < 100 && !node.Output.Contains("outbound queue"); waited++)
            await Task.Delay(100);
        Assert.Contains("outbound queue", node.Output);
        await other.SendAsync(new { type = "OFFER", target = sender.ClientId, offer = new { type = "offer", sdp = "v=0" } });
        await sender.ExpectAsync("OFFER_RECEIVED");
    }
}

/// <summary>
/// A WebSocket client written on a bare socket that sends but never reads: it answers no ping and
/// lets the node's send buffers fill, which ClientWebSocket cannot be made to do.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient tcp;
    private readonly NetworkStream stream;

    private RawWebSocket(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
    }

    public static async Task<RawWebSocket> OpenAsync(int port)
    {
        var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync("127.0.0.1", port);
        var socket = new RawWebSocket(tcp);
        var handshake = "GET /ws/signal HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket.stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var response = new byte[1024];
        var read = await socket.stream.ReadAsync(response);
        Assert.Contains("101", Encoding.ASCII.GetString(response, 0, read));
        return socket;
    }

    /// <summary>One masked text frame, as RFC 6455 requires of clients.</summary>
    public async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new List<byte> { 0x81 };
        if (payload.Length < 126) frame.Add((byte)(0x80 | payload.Length));
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        byte[] mask = [1, 2, 3, 4];
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        await stream.WriteAsync(frame.ToArray());
    }

    public void Dispose() => tcp.Dispose();
}
