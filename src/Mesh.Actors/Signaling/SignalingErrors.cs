namespace Mesh.Actors.Signaling;

/// <summary>The stable ERROR codes of /ws/signal (contracts/signal/ERROR.schema.json).</summary>
public static class SignalingErrors
{
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidMessage = "INVALID_MESSAGE";
    public const string UnknownType = "UNKNOWN_TYPE";
    public const string NotRegistered = "NOT_REGISTERED";
    public const string AlreadyRegistered = "ALREADY_REGISTERED";
    public const string InvalidCallsign = "INVALID_CALLSIGN";
    public const string InvalidCertificate = "INVALID_CERTIFICATE";
    public const string UnknownTarget = "UNKNOWN_TARGET";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    public const string RateLimited = "RATE_LIMITED";
    public const string IceLimit = "ICE_LIMIT";
    public const string BinaryNotSupported = "BINARY_NOT_SUPPORTED";
}

/// <summary>A message the node refuses: the stable code, a sentence, and the type that caused it.</summary>
public sealed record SignalingError(string Code, string Details, string? InReplyTo = null);
