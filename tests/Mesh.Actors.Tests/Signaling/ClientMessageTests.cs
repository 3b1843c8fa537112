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
        Assert.Equal(payload, Encoding.UTF8.GetString(signal.Payload.Span));
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
    [InlineData("", SignalingErrors.InvalidJson)]
    [InlineData("  ", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"LIST_PEERS"} {}""", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"LIST_PEERS"}x""", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"LIST_PEERS",}""", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"LIST_PEERS"/**/}""", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"OFFER","target":"a","offer":{"type":"offer","sdp":"\q"}}""", SignalingErrors.InvalidJson)]
    [InlineData("""{"type":"OFFER","target":"a","offer":{"type":"offer","sdp":""},"x":[1,}""", SignalingErrors.InvalidJson)]
    [InlineData("""[1,2""", SignalingErrors.InvalidJson)]
    [InlineData("""[{"type":"LIST_PEERS"}]""", SignalingErrors.InvalidMessage)]
    [InlineData("\"LIST_PEERS\"", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"LIST_PEERS","type":7}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"OFFER","target":"a","offer":{"type":"offer","sdp":""},"offer":[]}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"OFFER","target":"a","offer":{"type":"offer","sdp":"","sdp":1}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"OFFER","target":"a","answer":{"type":"offer","sdp":""}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"ICE_CANDIDATE","target":"a","candidate":{"sdpMid":"0"}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"ICE_CANDIDATE","target":"a","candidate":{"candidate":"c","sdpMLineIndex":"0"}}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"REGISTER","callsign":"K1ABC","certificate":"PEM"}""", SignalingErrors.InvalidMessage)]
    [InlineData("""{"type":"REGISTER","callsign":7}""", SignalingErrors.InvalidMessage)]
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
    public void A_message_deeper_than_32_levels_is_not_read()
    {
        var json = """{"type":"OFFER","target":"a","offer":{"type":"offer","sdp":"","x":""" + new string('[', 31) + new string(']', 31) + "}}";

        Assert.Equal(SignalingErrors.InvalidJson, Assert.IsType<ClientMessage.Invalid>(Parse(json)).Error.Code);
    }

    [Fact]
    public void Escaped_names_and_values_read_as_what_they_spell()
    {
        var json = """{"\u0074ype":"\u004fFFER","t\u0061rget":"\u0061bc","offer":{"typ\u0065":"\u006fffer","sdp":""}}""";

        var signal = Assert.IsType<ClientMessage.Signal>(Parse(json));

        Assert.Equal(SignalKind.Offer, signal.Kind);
        Assert.Equal("abc", signal.Target);
    }

    [Fact]
    public void A_field_given_twice_counts_as_its_last_value()
    {
        var signal = Assert.IsType<ClientMessage.Signal>(Parse(
            """{"type":"LIST_PEERS","type":"ANSWER","target":"x","target":"y","answer":{"type":"answer","sdp":"1"},"answer":{"type":"answer","sdp":"2"}}"""));

        Assert.Equal(SignalKind.Answer, signal.Kind);
        Assert.Equal("y", signal.Target);
        Assert.Equal("""{"type":"answer","sdp":"2"}""", Encoding.UTF8.GetString(signal.Payload.Span));
    }

    [Fact]
    public void A_certificate_comes_with_its_signature_and_null_means_none()
    {
        var licensed = Assert.IsType<ClientMessage.Register>(Parse("""{"type":"REGISTER","callsign":"K1ABC","certificate":"PEM","signature":"SIG"}"""));
        var guest = Assert.IsType<ClientMessage.Register>(Parse("""{"type":"REGISTER","callsign":"GUEST","certificate":null,"signature":"SIG"}"""));

        Assert.Equal(("PEM", "SIG"), (licensed.CertificatePem, licensed.Signature));
        Assert.Equal((null, null), (guest.CertificatePem, guest.Signature));
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
