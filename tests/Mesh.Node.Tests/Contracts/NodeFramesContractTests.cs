// What the node's own code writes and accepts, checked against contracts/ without a running node.
using System.Reflection;
using System.Text;
using Mesh.Actors.Signaling;
using Xunit;

namespace Mesh.Node.Tests.Contracts;

public sealed class NodeFramesContractTests
{
    private static ContractSchemas Contracts => ContractSchemas.Instance;

    private static readonly PeerInfo[] SomePeers = [new("c-2", "K1ABC", true), new("c-3", Callsign.Guest, false)];

    public static TheoryData<string, string> FramesTheNodeWrites()
    {
        var offer = Encoding.UTF8.GetBytes("""{"type":"offer","sdp":"v=0\r\n"}""");
        var answer = Encoding.UTF8.GetBytes("""{"type":"answer","sdp":"v=0\r\n"}""");
        var candidate = Encoding.UTF8.GetBytes("""{"candidate":"","sdpMLineIndex":0,"sdpMid":"0"}""");
        var frames = new Dictionary<string, byte[]>
        {
            ["HELLO unclaimed"] = ServerFrames.Hello("q2Vx_-8Hk3bJ0s9QmZcL4wq2Vx_-8Hk3", null, "0.1.0-dev"),
            ["HELLO claimed"] = ServerFrames.Hello("q2Vx_-8Hk3bJ0s9QmZcL4wq2Vx_-8Hk3", "W1AW", "0.1.0-dev"),
            ["REGISTERED"] = ServerFrames.Registered("c-1", null, SomePeers),
            ["PEERS"] = ServerFrames.Peers(SomePeers),
            ["PEERS empty"] = ServerFrames.Peers([]),
            ["PEER_JOINED"] = ServerFrames.PeerJoined(SomePeers[0]),
            ["PEER_LEFT"] = ServerFrames.PeerLeft("c-2"),
            ["OFFER_RECEIVED"] = ServerFrames.SignalReceived(SignalKind.Offer, "c-1", "W1AW", offer),
            ["ANSWER_RECEIVED"] = ServerFrames.SignalReceived(SignalKind.Answer, "c-2", "K1ABC", answer),
            ["ICE_CANDIDATE_RECEIVED"] = ServerFrames.SignalReceived(SignalKind.IceCandidate, "c-2", Callsign.Guest, candidate),
            ["ERROR"] = ServerFrames.Error(new SignalingError(SignalingErrors.UnknownTarget, "No client K9ZZZ is connected.", "OFFER")),
            ["ERROR without inReplyTo"] = ServerFrames.Error(new SignalingError(SignalingErrors.InvalidJson, "Not JSON.")),
        };

        var data = new TheoryData<string, string>();
        foreach (var (name, frame) in frames)
        {
            data.Add(name, Encoding.UTF8.GetString(frame));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FramesTheNodeWrites))]
    public void Frame_the_node_writes_conforms_to_its_schema(string frame, string json)
    {
        var errors = Contracts.ValidateSignalMessage(json);

        Assert.True(errors.Count == 0, $"{frame}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Every_error_code_the_node_knows_is_in_the_ERROR_schema()
    {
        var codes = typeof(SignalingErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToList();

        Assert.Equal(12, codes.Count);
        Assert.All(codes, code => Assert.Empty(Contracts.ValidateSignalMessage($$"""{"type":"ERROR","error":"{{code}}"}""")));
    }

    [Theory]
    [InlineData("W1AW")]
    [InlineData("w1aw")]
    [InlineData("VE3/W1AW")]
    [InlineData("W1AW/P")]
    [InlineData("W1AW/QRP")]
    [InlineData("2E0ABC")]
    [InlineData("9A1A")]
    [InlineData("KH6/K1ABC/MM")]
    [InlineData("GUEST")]
    [InlineData("guest")]
    [InlineData("ABCD")]
    [InlineData("1234")]
    [InlineData("W1")]
    [InlineData("W1AW!")]
    [InlineData("W1AW/QRPPP")]
    [InlineData("VP2E/W1AW/QRPP")]
    [InlineData("W1AW1")]
    [InlineData("")]
    public void The_REGISTER_schema_and_the_node_agree_on_what_a_callsign_is(string text)
    {
        var nodeAccepts = Callsign.Normalize(text) is not null;
        var schemaAccepts = Contracts.ValidateSignalMessage($$"""{"type":"REGISTER","callsign":"{{text}}"}""").Count == 0;

        Assert.Equal(nodeAccepts, schemaAccepts);
    }
}
