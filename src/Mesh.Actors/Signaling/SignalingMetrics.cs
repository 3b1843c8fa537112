// Process-wide counters of the relay, read by /metrics. Counters outlive actor system incarnations,
// as Prometheus counters must only ever go up while the process lives.
using System.Collections.Frozen;

namespace Mesh.Actors.Signaling;

public static class SignalingMetrics
{
    // One slot per SignalKind; an Interlocked add on the relay path, no lock and no allocation.
    private static readonly long[] RelayedByKind = new long[3];

    private static readonly FrozenDictionary<string, int> ErrorSlots = new[]
    {
        SignalingErrors.InvalidJson, SignalingErrors.InvalidMessage, SignalingErrors.UnknownType,
        SignalingErrors.NotRegistered, SignalingErrors.AlreadyRegistered, SignalingErrors.InvalidCallsign,
        SignalingErrors.InvalidCertificate, SignalingErrors.UnknownTarget, SignalingErrors.MessageTooLarge,
        SignalingErrors.RateLimited, SignalingErrors.IceLimit, SignalingErrors.BinaryNotSupported,
    }.Select((code, slot) => (code, slot)).ToFrozenDictionary(e => e.code, e => e.slot, StringComparer.Ordinal);

    // The last slot takes any code a later feature adds before it is listed above.
    private static readonly long[] ErrorsByCode = new long[ErrorSlots.Count + 1];

    public const string OtherErrorCode = "OTHER";

    public static void Relayed(SignalKind kind) => Interlocked.Increment(ref RelayedByKind[(int)kind]);

    public static void Error(string code) =>
        Interlocked.Increment(ref ErrorsByCode[ErrorSlots.TryGetValue(code, out var slot) ? slot : ErrorSlots.Count]);

    public static IReadOnlyList<(SignalKind Kind, long Count)> RelayedTotals() =>
        Enum.GetValues<SignalKind>().Select(kind => (kind, Volatile.Read(ref RelayedByKind[(int)kind]))).ToList();

    public static IReadOnlyList<(string Code, long Count)> ErrorTotals() =>
        ErrorSlots.OrderBy(e => e.Value)
            .Select(e => (e.Key, Volatile.Read(ref ErrorsByCode[e.Value])))
            .Append((OtherErrorCode, Volatile.Read(ref ErrorsByCode[ErrorSlots.Count])))
            .ToList();
}
