using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Actors.Signaling;

/// <summary>The per-client limits of /ws/signal; every one is a HOCON key so a benchmark can raise them.</summary>
public sealed record SignalingSettings(
    int MaxMessageBytes,
    int MessagesPerMinute,
    int Burst,
    int CloseAfterRefusals,
    int IceCandidatesPerSession,
    TimeSpan IdleTimeout,
    TimeSpan PingInterval,
    int OutboundQueue,
    int PeerListLimit)
{
    /// <param name="mesh">the `mesh` block; keys are read under `signaling.`</param>
    public static SignalingSettings FromConfig(Config mesh) => new(
        MaxMessageBytes: ConfigReader.IntInRange(mesh, "signaling.max-message-bytes", 1024, 16 * 1024 * 1024),
        MessagesPerMinute: ConfigReader.IntInRange(mesh, "signaling.rate-limit.messages-per-minute", 1, int.MaxValue),
        Burst: ConfigReader.IntInRange(mesh, "signaling.rate-limit.burst", 1, int.MaxValue),
        CloseAfterRefusals: ConfigReader.IntInRange(mesh, "signaling.rate-limit.close-after-refusals", 1, int.MaxValue),
        IceCandidatesPerSession: ConfigReader.IntInRange(mesh, "signaling.ice-candidates-per-session", 0, int.MaxValue),
        IdleTimeout: ConfigReader.PositiveDuration(mesh, "signaling.idle-timeout"),
        PingInterval: ConfigReader.PositiveDuration(mesh, "signaling.ping-interval"),
        OutboundQueue: ConfigReader.IntInRange(mesh, "signaling.outbound-queue", 1, 1_000_000),
        PeerListLimit: ConfigReader.IntInRange(mesh, "signaling.peer-list-limit", 0, int.MaxValue));
}
