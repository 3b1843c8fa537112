using System.Net.WebSockets;
using System.Text;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Signaling;

/// <summary>Every bad message gets a clear ERROR and the connection keeps working.</summary>
public sealed class SignalingErrorTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<string, string> BadMessagesAfterRegistering => new()
    {
        { "{not json", "INVALID_JSON" },
        { "", "INVALID_JSON" },
        { "[1,2,3]", "INVALID_MESSAGE" },
        { "\"OFFER\"", "INVALID_MESSAGE" },
        { "{\"target\":\"x\"}", "INVALID_MESSAGE" },
        { "{\"type\":42}", "INVALID_MESSAGE" },
        { "{\"type\":\"TELEPORT\"}", "UNKNOWN_TYPE" },
        { "{\"type\":\"OFFER\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}", "INVALID_MESSAGE" },
        { "{\"type\":\"OFFER\",\"target\":7,\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}", "INVALID_MESSAGE" },
        { "{\"type\":\"OFFER\",\"target\":\"x\",\"offer\":\"v=0\"}", "INVALID_MESSAGE" },
        { "{\"type\":\"OFFER\",\"target\":\"x\",\"offer\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}", "INVALID_MESSAGE" },
        { "{\"type\":\"ANSWER\",\"target\":\"x\",\"answer\":{\"type\":\"answer\"}}", "INVALID_MESSAGE" },
        { "{\"type\":\"ICE_CANDIDATE\",\"target\":\"x\",\"candidate\":{\"candidate\":5}}", "INVALID_MESSAGE" },
        { "{\"type\":\"ICE_CANDIDATE\",\"target\":\"x\",\"candidate\":{\"candidate\":\"c\",\"sdpMLineIndex\":\"zero\"}}", "INVALID_MESSAGE" },
        { "{\"type\":\"OFFER\",\"target\":\"nobody-here\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}", "UNKNOWN_TARGET" },
        { "{\"type\":\"REGISTER\",\"callsign\":\"GUEST\"}", "ALREADY_REGISTERED" },
        { "{\"type\":\"OFFER\",\"target\":\"x\",\"offer\":" + new string('[', 100) + new string(']', 100) + "}", "INVALID_JSON" },
    };

    [Theory]
    [MemberData(nameof(BadMessagesAfterRegistering))]
    public async Task A_bad_message_gets_an_error_and_the_connection_stays_up(string message, string code)
    {
        await using var client = await SignalClient.RegisterAsync(node.Node.SignalUri);

        await client.SendTextAsync(message);

        await client.ExpectErrorAsync(code);
        await AssertStillServed(client);
    }

    [Theory]
    [InlineData("{\"type\":\"OFFER\",\"target\":\"x\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}", "NOT_REGISTERED")]
    [InlineData("{\"type\":\"LIST_PEERS\"}", "NOT_REGISTERED")]
    [InlineData("{\"type\":\"REGISTER\"}", "INVALID_MESSAGE")]
    [InlineData("{\"type\":\"REGISTER\",\"callsign\":\"not a callsign!\"}", "INVALID_CALLSIGN")]
    [InlineData("{\"type\":\"REGISTER\",\"callsign\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"}", "INVALID_CALLSIGN")]
    [InlineData("{\"type\":\"REGISTER\",\"callsign\":\"K1ABC\",\"certificate\":\"-----BEGIN CERTIFICATE-----\"}", "INVALID_MESSAGE")]
    [InlineData("{\"type\":\"REGISTER\",\"callsign\":\"K1ABC\",\"certificate\":\"-----BEGIN CERTIFICATE-----\",\"signature\":\"AAAA\"}", "INVALID_CERTIFICATE")]
    public async Task A_bad_message_before_registering_gets_an_error_and_registering_still_works(string message, string code)
    {
        await using var client = await SignalClient.ConnectAsync(node.Node.SignalUri);

        await client.SendTextAsync(message);

        await client.ExpectErrorAsync(code);
        await client.SendAsync(new { type = "REGISTER", callsign = "GUEST" });
        await client.ExpectAsync("REGISTERED");
    }

    [Fact]
    public async Task A_one_megabyte_message_is_refused_as_too_large_and_the_connection_stays_up()
    {
        await using var client = await SignalClient.RegisterAsync(node.Node.SignalUri);
        var huge = "{\"type\":\"OFFER\",\"target\":\"x\",\"offer\":{\"type\":\"offer\",\"sdp\":\"" + new string('a', 1024 * 1024) + "\"}}";

        await client.SendTextAsync(huge);

        var error = await client.ExpectErrorAsync("MESSAGE_TOO_LARGE");
        Assert.Contains("65536", error["details"]!.GetValue<string>());
        await AssertStillServed(client);
    }

    [Fact]
    public async Task A_binary_message_is_refused_and_the_connection_stays_up()
    {
        await using var client = await SignalClient.RegisterAsync(node.Node.SignalUri);

        await client.SendRawAsync([0, 1, 2, 3, 255], WebSocketMessageType.Binary);

        await client.ExpectErrorAsync("BINARY_NOT_SUPPORTED");
        await AssertStillServed(client);
    }

    [Fact]
    public async Task A_text_frame_that_is_not_utf8_fails_the_connection_as_rfc_6455_requires_and_others_are_unharmed()
    {
        await using var bystander = await SignalClient.RegisterAsync(node.Node.SignalUri);
        await using var client = await SignalClient.RegisterAsync(node.Node.SignalUri);

        // ClientWebSocket does not check UTF-8 on send; the node's WebSocket must (RFC 6455 §8.1).
        await client.SendRawAsync([.. Encoding.UTF8.GetBytes("{\"type\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")], WebSocketMessageType.Text);

        await client.WaitUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
        Assert.Equal(client.ClientId, (await bystander.ExpectAsync("PEER_LEFT"))["peerId"]!.GetValue<string>());
        await AssertStillServed(bystander);
    }

    [Fact]
    public async Task A_plain_http_request_to_the_websocket_path_gets_a_json_error()
    {
        using var response = await node.Node.Http.GetAsync(new Uri(node.Node.BaseUri, "/ws/signal"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WEBSOCKET_REQUIRED", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertStillServed(SignalClient client)
    {
        await client.SendAsync(new { type = "LIST_PEERS" });
        await client.ExpectAsync("PEERS");
    }
}
