// What a browser may send on /ws/signal, parsed and checked before the connection actor acts on it.
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mesh.Actors.Signaling;

public enum SignalKind { Offer, Answer, IceCandidate }

public abstract record ClientMessage
{
    /// <param name="PeerEvents">false: no PEER_JOINED/PEER_LEFT pushes; the client asks LIST_PEERS when it wants the list</param>
    public sealed record Register(string Callsign, string? CertificatePem, string? Signature, bool PeerEvents = true) : ClientMessage;

    /// <param name="Payload">the offer, answer or candidate object exactly as the client sent it (UTF-8 JSON)</param>
    public sealed record Signal(SignalKind Kind, string Target, byte[] Payload) : ClientMessage;

    public sealed record ListPeers : ClientMessage
    {
        public static readonly ListPeers Instance = new();
    }

    public sealed record Invalid(SignalingError Error) : ClientMessage;

    private const int MaxTargetLength = 64;

    public static ClientMessage Parse(byte[] utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return Refuse(SignalingErrors.InvalidJson, "The message is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Refuse(SignalingErrors.InvalidMessage, "A message must be a JSON object with a \"type\".");
            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                return Refuse(SignalingErrors.InvalidMessage, "The message has no string \"type\".");

            var type = typeElement.GetString()!;
            return type switch
            {
                "REGISTER" => ParseRegister(root),
                "OFFER" => ParseSignal(root, type, SignalKind.Offer, "offer"),
                "ANSWER" => ParseSignal(root, type, SignalKind.Answer, "answer"),
                "ICE_CANDIDATE" => ParseSignal(root, type, SignalKind.IceCandidate, "candidate"),
                "LIST_PEERS" => ListPeers.Instance,
                _ => Refuse(SignalingErrors.UnknownType, $"Unknown message type '{Truncate(type)}'."),
            };
        }
    }

    private static ClientMessage ParseRegister(JsonElement root)
    {
        if (!TryGetString(root, "callsign", out var callsignText))
            return Refuse(SignalingErrors.InvalidMessage, "REGISTER needs a string \"callsign\" (a callsign or GUEST).", "REGISTER");
        var callsign = Callsign.Normalize(callsignText);
        if (callsign is null)
            return Refuse(SignalingErrors.InvalidCallsign, $"'{Truncate(callsignText)}' is neither an amateur radio callsign nor GUEST.", "REGISTER");

        string? certificate = null, signature = null;
        if (root.TryGetProperty("certificate", out var certificateElement) && certificateElement.ValueKind != JsonValueKind.Null)
        {
            if (certificateElement.ValueKind != JsonValueKind.String || !TryGetString(root, "signature", out signature))
                return Refuse(SignalingErrors.InvalidMessage, "A certificate must be a PEM string sent with a string \"signature\" over the HELLO nonce.", "REGISTER");
            certificate = certificateElement.GetString();
        }

        var peerEvents = true;
        if (root.TryGetProperty("peerEvents", out var peerEventsElement))
        {
            if (peerEventsElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Refuse(SignalingErrors.InvalidMessage, "\"peerEvents\" must be true or false.", "REGISTER");
            peerEvents = peerEventsElement.GetBoolean();
        }

        return new Register(callsign, certificate, signature, peerEvents);
    }

    private static ClientMessage ParseSignal(JsonElement root, string type, SignalKind kind, string payloadName)
    {
        if (!TryGetString(root, "target", out var target) || target.Length is 0 or > MaxTargetLength)
            return Refuse(SignalingErrors.InvalidMessage, $"{type} needs a \"target\": a clientId or callsign.", type);
        if (!root.TryGetProperty(payloadName, out var payload) || payload.ValueKind != JsonValueKind.Object)
            return Refuse(SignalingErrors.InvalidMessage, $"{type} needs an object \"{payloadName}\".", type);

        var problem = kind switch
        {
            SignalKind.Offer => SessionDescriptionProblem(payload, "offer"),
            SignalKind.Answer => SessionDescriptionProblem(payload, "answer"),
            _ => CandidateProblem(payload),
        };
        if (problem is not null)
            return Refuse(SignalingErrors.InvalidMessage, $"{type}: {problem}", type);

        return new Signal(kind, target, JsonMarshal.GetRawUtf8Value(payload).ToArray());
    }

    // The SDP and the candidate are relayed as raw JSON, so they are only checked to be strings, never
    // decoded: turning a kilobyte of SDP into a .NET string was a measurable share of each relay.
    private static string? SessionDescriptionProblem(JsonElement description, string expectedType)
    {
        if (!description.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals(expectedType))
            return $"\"type\" must be \"{expectedType}\".";
        return IsString(description, "sdp") ? null : "\"sdp\" must be a string.";
    }

    private static string? CandidateProblem(JsonElement candidate)
    {
        if (!IsString(candidate, "candidate"))
            return "\"candidate\" must be a string.";
        if (candidate.TryGetProperty("sdpMLineIndex", out var index) && index.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null))
            return "\"sdpMLineIndex\" must be a number or null.";
        if (candidate.TryGetProperty("sdpMid", out var mid) && mid.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            return "\"sdpMid\" must be a string or null.";
        return null;
    }

    private static bool IsString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String;

    private static bool TryGetString(JsonElement element, string name, out string value)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return true;
        }

        value = "";
        return false;
    }

    private static Invalid Refuse(string code, string details, string? inReplyTo = null) =>
        new(new SignalingError(code, details, inReplyTo));

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
