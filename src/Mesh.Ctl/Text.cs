// Human output: the node's JSON results as short tables.
using System.Text;
using System.Text.Json;

namespace Mesh.Ctl;

public static class Text
{
    public static string Result(CommandInfo command, JsonElement result) => (command.Palette, command.Name) switch
    {
        ("cluster", "show") => Cluster(result),
        ("cluster", "leader") => String(result, "leader") ?? "(no leader)",
        ("cluster", "down-unreachable") => result.GetProperty("downed").GetArrayLength() == 0
            ? "no unreachable members"
            : string.Join("\n", result.GetProperty("downed").EnumerateArray().Select(a => $"downing {a.GetString()}")),
        ("cluster", _) => $"{String(result, "action")} {String(result, "address")}",
        ("signaling", "show") => Signaling(result),
        ("peers", "list") => Table(result.GetProperty("peers"), "no peers known",
            ("ENDPOINT", "endpoint", 32), ("CALLSIGN", "callsign", 10), ("FOUND BY", "discoveryMethod", 9), ("CONFIRMED", "confirmed", 10), ("LAST CONTACT", "lastContact", 0)),
        ("peers", "sync") => $"synced with {String(result, "peer")} ({String(result, "callsign") ?? "unclaimed"})\n" +
            $"sent      {result.GetProperty("sent").GetProperty("accepted").GetInt32()} taken in, {result.GetProperty("sent").GetProperty("refused").GetInt32()} refused\n" +
            $"received  {result.GetProperty("received").GetProperty("accepted").GetInt32()} taken in, {result.GetProperty("received").GetProperty("refused").GetInt32()} refused" +
            (result.GetProperty("errors").GetArrayLength() > 0 ? $"\nerrors    {string.Join(", ", result.GetProperty("errors").EnumerateArray().Select(e => e.GetString()))}" : ""),
        ("certificates", "list") => Table(result.GetProperty("certificates"), "the trust store is empty",
            ("FINGERPRINT", "fingerprint", 65), ("CALLSIGN", "callsign", 10), ("CLASS", "licenseClass", 10), ("TRUST", "trustLevel", 0)),
        _ => result.GetRawText(),
    };

    public static string Event(JsonElement change) =>
        $"{String(change, "at")}  {String(change, "event"),-18} {String(change, "address")} {String(change, "status")}".TrimEnd();

    private static string Cluster(JsonElement result)
    {
        var unreachable = result.GetProperty("unreachable").EnumerateArray().Select(a => a.GetString()).ToHashSet();
        var text = new StringBuilder()
            .AppendLine($"self    {String(result, "self")}")
            .AppendLine($"leader  {String(result, "leader") ?? "(none)"}")
            .AppendLine()
            .AppendLine($"{"ADDRESS",-44} {"STATUS",-10} {"CALLSIGN",-10} {"REACHABLE",-10} ROLES");
        foreach (var member in result.GetProperty("members").EnumerateArray())
        {
            var address = String(member, "address");
            var roles = string.Join(",", member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            text.AppendLine($"{address,-44} {String(member, "status"),-10} {String(member, "callsign") ?? "-",-10} {(unreachable.Contains(address) ? "NO" : "yes"),-10} {roles}".TrimEnd());
        }

        return text.ToString().TrimEnd();
    }

    private static string Signaling(JsonElement result)
    {
        var text = new StringBuilder()
            .AppendLine($"connected   {result.GetProperty("connected").GetInt32()}")
            .AppendLine($"registered  {result.GetProperty("registered").GetInt32()}")
            .AppendLine("relayed     " + string.Join(", ", result.GetProperty("relayedTotal").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64()}")))
            .AppendLine()
            .AppendLine($"{"TOP TALKERS",-14} {"CALLSIGN",-12} {"LICENSED",-9} RELAYED");
        foreach (var talker in result.GetProperty("topTalkers").EnumerateArray())
        {
            text.AppendLine($"{String(talker, "clientId"),-14} {String(talker, "callsign"),-12} {(talker.GetProperty("hasLicense").GetBoolean() ? "yes" : "no"),-9} {talker.GetProperty("relayed").GetInt64()}");
        }

        return text.ToString().TrimEnd();
    }

    private static string Table(JsonElement rows, string empty, params (string Heading, string Field, int Width)[] columns)
    {
        if (rows.GetArrayLength() == 0) return empty;
        var text = new StringBuilder().AppendLine(string.Join(" ", columns.Select(c => c.Heading.PadRight(c.Width))).TrimEnd());
        foreach (var row in rows.EnumerateArray())
        {
            text.AppendLine(string.Join(" ", columns.Select(c => (String(row, c.Field) ?? "-").PadRight(c.Width))).TrimEnd());
        }

        return text.ToString().TrimEnd();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
