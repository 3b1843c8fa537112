using Akka.Actor;

namespace Mesh.Actors.Signaling;

/// <summary>What the edge tells a connection actor about its WebSocket.</summary>
public static class Connection
{
    /// <summary>A whole text message, as UTF-8.</summary>
    public sealed record InboundFrame(byte[] Utf8);

    /// <summary>A message over the size limit; the edge dropped its bytes without keeping them.</summary>
    public sealed record OversizedFrame(long Bytes);

    public sealed record BinaryFrame
    {
        public static readonly BinaryFrame Instance = new();
    }

    /// <summary>The socket is gone (closed by the client, idle, or broken).</summary>
    public sealed record Disconnected
    {
        public static readonly Disconnected Instance = new();
    }

    /// <summary>Asks the connections actor for a new connection actor writing to this outbox.</summary>
    public sealed record Accept(ClientOutbox Outbox);

    public sealed record Accepted(IActorRef Connection);
}

/// <summary>Checks a client's proof of a license: its certificate chain and a signature over the HELLO nonce.</summary>
public static class License
{
    public sealed record Verify(string Callsign, string CertificatePem, string Signature, string Nonce);

    public sealed record Verified(string Callsign);

    public sealed record Rejected(string Reason);
}
