// The ops protocol's messages (docs/decisions/ops-protocol.md): one JSON request line, then reply lines.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Node.Ops;

/// <summary>What meshctl asks: `meshctl cluster down ADDRESS` is {"palette":"cluster","command":"down","args":["ADDRESS"]}.</summary>
public sealed record OpsRequest(string Palette, string Command, IReadOnlyList<string> Args);

/// <summary>One reply line: {"ok":true,"result":...} or {"ok":false,"error":"CODE","details":"a sentence"}.</summary>
public sealed record OpsReply(bool Ok, object? Result = null, string? Error = null, string? Details = null)
{
    public static OpsReply Success(object result) => new(true, result);

    public static OpsReply Failure(string error, string details) => new(false, Error: error, Details: details);
}

/// <summary>One line of a streamed reply (cluster tail): {"event":{...}}.</summary>
public sealed record OpsEvent(object Event);

/// <summary>The stable error codes of the ops protocol.</summary>
public static class OpsErrors
{
    public const string BadRequest = "BAD_REQUEST";
    public const string UnknownCommand = "UNKNOWN_COMMAND";
    public const string NodeStarting = "NODE_STARTING";
    public const string InvalidAddress = "INVALID_ADDRESS";
    public const string UnknownMember = "UNKNOWN_MEMBER";
    public const string AlreadyInCluster = "ALREADY_IN_CLUSTER";
    public const string NotAvailable = "NOT_AVAILABLE";
    public const string Timeout = "TIMEOUT";
    public const string Unreachable = "UNREACHABLE";
}

public static class OpsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <exception cref="JsonException">not a request object</exception>
    public static OpsRequest ParseRequest(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("the request must be a JSON object");
        string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new JsonException($"the request needs a string \"{name}\"");
        var args = new List<string>();
        if (root.TryGetProperty("args", out var argsElement))
        {
            if (argsElement.ValueKind != JsonValueKind.Array || argsElement.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
                throw new JsonException("\"args\" must be an array of strings");
            args.AddRange(argsElement.EnumerateArray().Select(a => a.GetString()!));
        }

        return new OpsRequest(Text("palette"), Text("command"), args);
    }
}
