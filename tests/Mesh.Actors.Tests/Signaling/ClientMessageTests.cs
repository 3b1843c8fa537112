using System.Text;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class ClientMessageTests
{
    private static ClientMessage Parse(string json) => ClientMessage.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_register_message_normalises_the_callsign()
    {
        var register = Assert.IsType<ClientMessage.Register>(Parse("""{"type":"REGISTER","callsign":"k1abc"}"""));

        Assert.Equal("K1ABC", register.Callsign);
        Assert.Null(register.CertificatePem);
        Assert.True(register.PeerEvents);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void A_register_message_may_turn_peer_events_off(string value, bool expected)
    {
        var register = Assert.IsType<ClientMessage.Register>(Parse($$"""{"type":"REGISTER","callsign":"GUEST","peerEvents":{{value}}}"""));

        Assert.Equal(expected, register.PeerEvents);
    }

    [Fact]
    public void An_offer_keeps_its_payload_exactly_as_sent()
    {
        const string payload = """{"type":"offer","sdp":"v=0\r\n","extra":[1,{"a":null}]}""";

        var signal = Assert.IsType<ClientMessage.Signal>(Parse($$"""{"type":"OFFER","target":"abc","offer":{{payload}}}"""));

        Assert.Equal(SignalKind.Offer, signal.Kind);
        Assert.Equal("abc", signal.Target);
        Assert.Equal(payload, Encoding.UTF8.GetString(signal.Payload));
    }

    [Theory]
    [InlineData("""{"type":"ICE_CANDIDATE","target":"a","candidate":{"candidate":"c","sdpMLineIndex":null,"sdpMid":null}}""")]
    [InlineData("""{"type":"ICE_CANDIDATE","target":"a","candidate":{"candidate":"c"}}""")]
    public void Ice_candidates_may_leave_out_or_null_their_line_index_and_mid(string json)
    {
        Assert.IsType<ClientMessage.Signal>(Parse(json));
    }

    [Theory]
    [InlineData("nope", SignalingErrors.InvalidJson)]
    [InlineData("{\"type\":\"OFFER\"", SignalingErrors.InvalidJson)]
    [InlineData("null", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":null}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"offer"}""", SignalingErrors.UnknownType)]
    [InlineData("""{"type":"REGISTER","callsign":"NOCALL"}""", SignalingErrors.InvalidCallsign)]
    [InlineData("""{"type":"REGISTER","callsign":"K1ABC","certificate":42,"signature":"x"}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"REGISTER","callsign":"GUEST","peerEvents":"false"}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"REGISTER","callsign":"GUEST","peerEvents":0}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"REGISTER","callsign":"GUEST","peerEvents":null}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"OFFER","target":"","offer":{"type":"offer","sdp":""}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"ANSWER","target":"a","answer":{"type":"offer","sdp":""}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"ICE_CANDIDATE","target":"a","candidate":{"candidate":"c","sdpMid":5}}""", SignalingErrors.InvalidMessage)]
    public void A_bad_message_becomes_an_error_with_a_stable_code(string json, string code)
    {
        var invalid = Assert.IsType<ClientMessage.Invalid>(Parse(json));

        Assert.Equal(code, invalid.Error.Code);
        Assert.False(string.IsNullOrWhiteSpace(invalid.Error.Details));
    }

    [Fact]
    public void A_target_longer_than_any_client_id_or_callsign_is_refused()
    {
        var json = $$$"""{"type":"OFFER","target":"{{{new string('x', 65)}}}","offer":{"type":"offer","sdp":""}}""";

        Assert.Equal(SignalingErrors.InvalidMessage, Assert.IsType<ClientMessage.Invalid>(Parse(json)).Error.Code);
    }

    [Fact]
    public void An_unknown_type_is_quoted_back_only_in_part()
    {
        var invalid = Assert.IsType<ClientMessage.Invalid>(Parse($$"""{"type":"{{new string('Z', 5000)}}"}"""));

        Assert.True(invalid.Error.Details.Length < 200);
    }
}
