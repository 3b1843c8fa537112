// What a browser may send on /ws/signal, parsed and checked before the connection actor acts on it.
using System.Text.Json;

namespace Mesh.Actors.Signaling;

public enum SignalKind { Offer, Answer, IceCandidate }

public abstract record ClientMessage
{
    /// <param name="PeerEvents">false: no PEER_JOINED/PEER_LEFT pushes; the client asks LIST_PEERS when it wants the list</param>
    public sealed record Register(string Callsign, string? CertificatePem, string? Signature, bool PeerEvents = true) : ClientMessage;

    /// <param name="Payload">the offer, answer or candidate object exactly as the client sent it (UTF-8 JSON)</param>
    public sealed record Signal(SignalKind Kind, string Target, ReadOnlyMemory<byte> Payload) : ClientMessage;

    public sealed record ListPeers : ClientMessage
    {
        public static readonly ListPeers Instance = new();
    }

    public sealed record Invalid(SignalingError Error) : ClientMessage;

    private const int MaxTargetLength = 64;

    private static readonly string[] KnownTypes = ["OFFER", "ANSWER", "ICE_CANDIDATE", "REGISTER", "LIST_PEERS"];

    /// <summary>Reads a whole message in one pass of a <see cref="Utf8JsonReader"/>, then judges what it found.</summary>
    /// <remarks>
    /// Every message is relayed hot, so no document is built: the reader notes where each known field
    /// is (a duplicated field counts as its last value, as in any JSON object lookup) and the offer,
    /// answer or candidate stays a slice of the received bytes.
    /// </remarks>
    public static ClientMessage Parse(byte[] utf8)
    {
        Fields fields;
        try
        {
            fields = Fields.Read(utf8);
        }
        catch (JsonException)
        {
            return Refuse(SignalingErrors.InvalidJson, "The message is not valid JSON.");
        }

        if (!fields.IsObject)
            return Refuse(SignalingErrors.InvalidMessage, "A message must be a JSON object with a \"type\".");
        if (fields.Type is not { } type)
            return Refuse(SignalingErrors.InvalidMessage, "The message has no string \"type\".");

        return type switch
        {
            "REGISTER" => ParseRegister(fields),
            "OFFER" => ParseSignal(utf8, fields, type, SignalKind.Offer, fields.Offer, "offer"),
            "ANSWER" => ParseSignal(utf8, fields, type, SignalKind.Answer, fields.Answer, "answer"),
            "ICE_CANDIDATE" => ParseSignal(utf8, fields, type, SignalKind.IceCandidate, fields.Candidate, "candidate"),
            "LIST_PEERS" => ListPeers.Instance,
            _ => Refuse(SignalingErrors.UnknownType, $"Unknown message type '{Truncate(type)}'."),
        };
    }

    private static ClientMessage ParseRegister(Fields fields)
    {
        if (fields.Callsign is not { } callsignText)
            return Refuse(SignalingErrors.InvalidMessage, "REGISTER needs a string \"callsign\" (a callsign or GUEST).", "REGISTER");
        var callsign = Callsign.Normalize(callsignText);
        if (callsign is null)
            return Refuse(SignalingErrors.InvalidCallsign, $"'{Truncate(callsignText)}' is neither an amateur radio callsign nor GUEST.", "REGISTER");

        if (fields.Certificate.Kind is not (JsonTokenType.None or JsonTokenType.Null)
            && (fields.Certificate.Kind != JsonTokenType.String || fields.Signature is null))
            return Refuse(SignalingErrors.InvalidMessage, "A certificate must be a PEM string sent with a string \"signature\" over the HELLO nonce.", "REGISTER");
        var certificate = fields.Certificate.Kind == JsonTokenType.String ? fields.Certificate.Text : null;

        if (fields.PeerEvents is not (JsonTokenType.None or JsonTokenType.True or JsonTokenType.False))
            return Refuse(SignalingErrors.InvalidMessage, "\"peerEvents\" must be true or false.", "REGISTER");

        return new Register(callsign, certificate, certificate is null ? null : fields.Signature, fields.PeerEvents != JsonTokenType.False);
    }

    private static ClientMessage ParseSignal(byte[] utf8, Fields fields, string type, SignalKind kind, PayloadFields? payload, string payloadName)
    {
        if (fields.Target is not { Length: > 0 and <= MaxTargetLength } target)
            return Refuse(SignalingErrors.InvalidMessage, $"{type} needs a \"target\": a clientId or callsign.", type);
        if (payload is not { } found)
            return Refuse(SignalingErrors.InvalidMessage, $"{type} needs an object \"{payloadName}\".", type);

        var problem = kind switch
        {
            SignalKind.Offer => SessionDescriptionProblem(found, "offer"),
            SignalKind.Answer => SessionDescriptionProblem(found, "answer"),
            _ => CandidateProblem(found),
        };
        if (problem is not null)
            return Refuse(SignalingErrors.InvalidMessage, $"{type}: {problem}", type);

        return new Signal(kind, target, utf8.AsMemory(found.Range));
    }

    private static string? SessionDescriptionProblem(PayloadFields description, string expectedType)
    {
        if (description.Type != expectedType) return $"\"type\" must be \"{expectedType}\".";
        return description.Sdp == JsonTokenType.String ? null : "\"sdp\" must be a string.";
    }

    private static string? CandidateProblem(PayloadFields candidate)
    {
        if (candidate.Candidate != JsonTokenType.String)
            return "\"candidate\" must be a string.";
        if (candidate.SdpMLineIndex is not (JsonTokenType.None or JsonTokenType.Number or JsonTokenType.Null))
            return "\"sdpMLineIndex\" must be a number or null.";
        if (candidate.SdpMid is not (JsonTokenType.None or JsonTokenType.String or JsonTokenType.Null))
            return "\"sdpMid\" must be a string or null.";
        return null;
    }

    /// <summary>
    /// Where an offer, answer or candidate object lies in the message, and the kinds of the fields it is
    /// checked by. The SDP and the candidate are relayed as raw JSON, so they are only checked to be
    /// strings, never decoded: turning a kilobyte of SDP into a .NET string was a measurable share of each relay.
    /// </summary>
    private readonly record struct PayloadFields(Range Range, string? Type, JsonTokenType Sdp, JsonTokenType Candidate,
        JsonTokenType SdpMLineIndex, JsonTokenType SdpMid);

    /// <summary>The top-level fields of a message that the protocol knows, as found in one pass.</summary>
    private struct Fields
    {
        public bool IsObject;
        public string? Type;
        public string? Callsign;
        public (JsonTokenType Kind, string? Text) Certificate;
        public string? Signature;
        public JsonTokenType PeerEvents;
        public string? Target;
        // Null when absent or not an object.
        public PayloadFields? Offer, Answer, Candidate;

        /// <exception cref="JsonException">the bytes are not one well-formed JSON value (at most 32 deep)</exception>
        public static Fields Read(byte[] utf8)
        {
            var fields = new Fields();
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                reader.Read();
                return fields;
            }

            fields.IsObject = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8)) fields.Type = ReadType(ref reader);
                else if (reader.ValueTextEquals("callsign"u8)) fields.Callsign = ReadString(ref reader);
                else if (reader.ValueTextEquals("target"u8)) fields.Target = ReadString(ref reader);
                else if (reader.ValueTextEquals("signature"u8)) fields.Signature = ReadString(ref reader);
                else if (reader.ValueTextEquals("certificate"u8))
                {
                    var kind = ReadKind(ref reader);
                    fields.Certificate = (kind, kind == JsonTokenType.String ? reader.GetString() : null);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("peerEvents"u8))
                {
                    fields.PeerEvents = ReadKind(ref reader);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("offer"u8)) fields.Offer = ReadPayload(ref reader);
                else if (reader.ValueTextEquals("answer"u8)) fields.Answer = ReadPayload(ref reader);
                else if (reader.ValueTextEquals("candidate"u8)) fields.Candidate = ReadPayload(ref reader);
                else reader.Skip();
            }

            // Past the closing brace: anything but whitespace is an error.
            reader.Read();
            return fields;
        }

        // The known types come back as the constants themselves: no string is made for them per message.
        private static string? ReadType(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return null;
            }

            foreach (var known in KnownTypes)
            {
                if (reader.ValueTextEquals(known)) return known;
            }

            return reader.GetString();
        }

        private static string? ReadString(ref Utf8JsonReader reader)
        {
            reader.Read();
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
            return text;
        }

        private static PayloadFields? ReadPayload(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return null;
            }

            var start = (int)reader.TokenStartIndex;
            string? type = null;
            JsonTokenType sdp = default, candidate = default, lineIndex = default, mid = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType != JsonTokenType.String ? null
                        : reader.ValueTextEquals("offer"u8) ? "offer"
                        : reader.ValueTextEquals("answer"u8) ? "answer"
                        : "";
                }
                else if (reader.ValueTextEquals("sdp"u8)) sdp = ReadKind(ref reader);
                else if (reader.ValueTextEquals("candidate"u8)) candidate = ReadKind(ref reader);
                else if (reader.ValueTextEquals("sdpMLineIndex"u8)) lineIndex = ReadKind(ref reader);
                else if (reader.ValueTextEquals("sdpMid"u8)) mid = ReadKind(ref reader);

                reader.Skip();
            }

            return new PayloadFields(start..(int)reader.BytesConsumed, type, sdp, candidate, lineIndex, mid);
        }

        private static JsonTokenType ReadKind(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType;
        }
    }

    private static Invalid Refuse(string code, string details, string? inReplyTo = null) =>
        new(new SignalingError(code, details, inReplyTo));

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
