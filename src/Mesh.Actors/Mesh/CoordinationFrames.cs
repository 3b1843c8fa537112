// The JSON of /ws/coordinate (contracts/coordinate/): what a node outside the cluster sends, read strictly, and what
// this node sends back.
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Actors.Certificates;

namespace Mesh.Actors.Mesh;

/// <summary>The stable ERROR codes of /ws/coordinate (contracts/coordinate/ERROR.schema.json).</summary>
public static class CoordinationErrors
{
    public const string InvalidJson = "INVALID_JSON";
    public const string InvalidMessage = "INVALID_MESSAGE";
    public const string UnknownType = "UNKNOWN_TYPE";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    public const string BinaryNotSupported = "BINARY_NOT_SUPPORTED";
    public const string TooManyItems = "TOO_MANY_ITEMS";
    public const string Unsupported = "UNSUPPORTED";
}

public abstract record CoordinationMessage;

public sealed record PeerAnnounced(string? Callsign, string Endpoint, IReadOnlyList<string> Capabilities) : CoordinationMessage;

public sealed record CertificatesOffered(IReadOnlyList<SyncedCertificate> Items) : CoordinationMessage;

public sealed record BlacklistOffered(IReadOnlyList<SyncedBlacklisting> Items) : CoordinationMessage;

public sealed record ContentOffered : CoordinationMessage;

/// <summary>The other node's SYNC_RESULT: how many items of one of our messages it took in and refused.</summary>
public sealed record ResultReceived(string Of, int Accepted, int Refused) : CoordinationMessage;

/// <summary>The other node refused one of our messages as a whole.</summary>
public sealed record ErrorReceived(string Code) : CoordinationMessage;

public sealed record CoordinationRefusal(string Code, string Details, string? InReplyTo = null);

public static class CoordinationFrames
{
    /// <summary>Most items one CERT_SYNC or BLACKLIST_UPDATE may carry; a sender splits a longer list.</summary>
    public const int MostItems = 100;

    public static (CoordinationMessage? Message, CoordinationRefusal? Refusal) Parse(byte[] utf8)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject;
        }
        catch (JsonException)
        {
            return (null, new CoordinationRefusal(CoordinationErrors.InvalidJson, "The message is not JSON."));
        }
        if (json is null)
            return (null, new CoordinationRefusal(CoordinationErrors.InvalidMessage, "A message is a JSON object with a type."));
        var type = Text(json, "type");
        try
        {
            return type switch
            {
                "PEER_ANNOUNCE" => (ReadAnnounce(json), null),
                "CERT_SYNC" => Items(json, "certificates", type, ReadCertificate, items => new CertificatesOffered(items)),
                "BLACKLIST_UPDATE" => Items(json, "blacklist", type, ReadBlacklisting, items => new BlacklistOffered(items)),
                "CONTENT_SYNC" => (new ContentOffered(), null),
                "SYNC_RESULT" => (new ResultReceived(Truncate(Text(json, "of") ?? "?"), Count(json, "accepted"), Count(json, "refused")), null),
                "ERROR" => (new ErrorReceived(Truncate(Text(json, "error") ?? "?")), null),
                null => (null, new CoordinationRefusal(CoordinationErrors.InvalidMessage, "type is missing or not a string.")),
                _ => (null, new CoordinationRefusal(CoordinationErrors.UnknownType, $"'{Truncate(type)}' is not a /ws/coordinate message.", Truncate(type))),
            };
        }
        catch (InvalidMessage invalid)
        {
            return (null, new CoordinationRefusal(CoordinationErrors.InvalidMessage, invalid.Message, type));
        }
    }

    public static byte[] PeerAnnounce(string? callsign, string endpoint, IReadOnlyList<string> capabilities) => Serialize(new JsonObject
    {
        ["type"] = "PEER_ANNOUNCE",
        ["server"] = new JsonObject
        {
            ["callsign"] = callsign,
            ["endpoint"] = endpoint,
            ["capabilities"] = new JsonArray(capabilities.Select(c => (JsonNode?)c).ToArray()),
        },
    });

    public static byte[] CertSync(IEnumerable<SyncedCertificate> items) => Serialize(new JsonObject
    {
        ["type"] = "CERT_SYNC",
        ["certificates"] = new JsonArray(items.Select(i => (JsonNode?)new JsonObject
        {
            ["fingerprint"] = i.Fingerprint,
            ["certificate"] = i.CertificatePem,
            ["chain"] = new JsonArray((i.ChainPems ?? []).Select(c => (JsonNode?)c).ToArray()),
        }).ToArray()),
    });

    public static byte[] BlacklistUpdate(IEnumerable<SyncedBlacklisting> items) => Serialize(new JsonObject
    {
        ["type"] = "BLACKLIST_UPDATE",
        ["blacklist"] = new JsonArray(items.Select(i => (JsonNode?)new JsonObject
        {
            ["fingerprint"] = i.Fingerprint,
            ["reason"] = i.Reason,
            ["timestamp"] = i.Timestamp,
            ["signer"] = new JsonObject
            {
                ["certificate"] = i.SignerPem,
                ["chain"] = new JsonArray((i.SignerChainPems ?? []).Select(c => (JsonNode?)c).ToArray()),
            },
            ["signature"] = i.Signature,
        }).ToArray()),
    });

    /// <param name="of">the type of the message this answers.</param>
    public static byte[] SyncResult(string of, IReadOnlyList<string> accepted, IReadOnlyList<SyncRefusal> refused) => Serialize(new JsonObject
    {
        ["type"] = "SYNC_RESULT",
        ["of"] = of,
        ["accepted"] = new JsonArray(accepted.Select(a => (JsonNode?)a).ToArray()),
        ["refused"] = new JsonArray(refused.Select(r => (JsonNode?)new JsonObject
        {
            ["item"] = r.Item,
            ["error"] = r.Code,
            ["details"] = r.Details,
        }).ToArray()),
    });

    public static byte[] Error(CoordinationRefusal refusal)
    {
        var json = new JsonObject { ["type"] = "ERROR", ["error"] = refusal.Code, ["details"] = refusal.Details };
        if (refusal.InReplyTo is not null)
            json["inReplyTo"] = refusal.InReplyTo;
        return Serialize(json);
    }

    private static PeerAnnounced ReadAnnounce(JsonObject json)
    {
        if (json["server"] is not JsonObject server)
            throw new InvalidMessage("server must be an object with callsign, endpoint and capabilities.");
        var endpoint = Text(server, "endpoint") ?? throw new InvalidMessage("server.endpoint must be a URL.");
        var callsign = server["callsign"] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw new InvalidMessage("server.callsign must be a string or null."),
        };
        if (server["capabilities"] is not JsonArray capabilities || capabilities.Count > 32)
            throw new InvalidMessage("server.capabilities must be an array of at most 32 names.");
        var names = capabilities.Select(c => c is JsonValue v && v.TryGetValue<string>(out var name) && name.Length is > 0 and <= 32
            ? name
            : throw new InvalidMessage("server.capabilities holds names of 1 to 32 characters.")).ToList();
        return new PeerAnnounced(callsign, endpoint, names);
    }

    private static SyncedCertificate ReadCertificate(JsonObject item) =>
        new(Text(item, "fingerprint"), Text(item, "certificate"), Strings(item, "chain"));

    private static SyncedBlacklisting ReadBlacklisting(JsonObject item)
    {
        var signer = item["signer"] as JsonObject;
        return new SyncedBlacklisting(Text(item, "fingerprint"), Text(item, "reason"), Text(item, "timestamp"),
            signer is null ? null : Text(signer, "certificate"), signer is null ? null : Strings(signer, "chain"), Text(item, "signature"));
    }

    private static (CoordinationMessage?, CoordinationRefusal?) Items<T>(JsonObject json, string field, string type, Func<JsonObject, T> read,
        Func<IReadOnlyList<T>, CoordinationMessage> make)
    {
        if (json[field] is not JsonArray array)
            return (null, new CoordinationRefusal(CoordinationErrors.InvalidMessage, $"{field} must be an array.", type));
        if (array.Count > MostItems)
            return (null, new CoordinationRefusal(CoordinationErrors.TooManyItems, $"At most {MostItems} items a message; this one had {array.Count}.", type));
        var items = array.Select(node => node is JsonObject item ? read(item) : throw new InvalidMessage($"Every item of {field} must be an object.")).ToList();
        return (make(items), null);
    }

    private static string? Text(JsonObject json, string field) =>
        json[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static IReadOnlyList<string>? Strings(JsonObject json, string field) =>
        json[field] is JsonArray array && array.All(n => n is JsonValue v && v.TryGetValue<string>(out _))
            ? array.Select(n => n!.GetValue<string>()).ToList()
            : null;

    private static int Count(JsonObject json, string field) => json[field] is JsonArray array ? array.Count : 0;

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64];

    private static byte[] Serialize(JsonObject json) => JsonSerializer.SerializeToUtf8Bytes(json);

    private sealed class InvalidMessage(string message) : Exception(message);
}
