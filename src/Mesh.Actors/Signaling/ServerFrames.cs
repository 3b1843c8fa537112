// The frames the node sends on /ws/signal, written straight to UTF-8 bytes.
using System.Buffers;
using System.Text.Json;

namespace Mesh.Actors.Signaling;

/// <summary>A client as other clients see it.</summary>
public sealed record PeerInfo(string Id, string Callsign, bool HasLicense);

public static class ServerFrames
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] private static Utf8JsonWriter? writer;

    public static byte[] Hello(string nonce, string? serverOwner, string version) => Write((nonce, serverOwner, version), static (w, hello) =>
    {
        w.WriteString("type", "HELLO");
        w.WriteString("nonce", hello.nonce);
        WriteNullable(w, "serverOwner", hello.serverOwner);
        w.WriteString("version", hello.version);
    });

    public static byte[] Registered(string clientId, string? serverOwner, IReadOnlyCollection<PeerInfo> peers) =>
        Write((clientId, serverOwner, peers), static (w, registered) =>
        {
            w.WriteString("type", "REGISTERED");
            w.WriteString("clientId", registered.clientId);
            WriteNullable(w, "serverOwner", registered.serverOwner);
            WritePeers(w, registered.peers);
        });

    public static byte[] Peers(IReadOnlyCollection<PeerInfo> peers) => Write(peers, static (w, peers) =>
    {
        w.WriteString("type", "PEERS");
        WritePeers(w, peers);
    });

    public static byte[] PeerJoined(PeerInfo peer) => Write(peer, static (w, peer) =>
    {
        w.WriteString("type", "PEER_JOINED");
        w.WritePropertyName("peer");
        WritePeer(w, peer);
    });

    public static byte[] PeerLeft(string peerId) => Write(peerId, static (w, peerId) =>
    {
        w.WriteString("type", "PEER_LEFT");
        w.WriteString("peerId", peerId);
    });

    /// <summary>OFFER_RECEIVED, ANSWER_RECEIVED or ICE_CANDIDATE_RECEIVED with the payload exactly as sent.</summary>
    public static byte[] SignalReceived(SignalKind kind, string fromClientId, string fromCallsign, ReadOnlyMemory<byte> payload) =>
        Write((kind, fromClientId, fromCallsign, payload), static (w, signal) =>
        {
            var (type, payloadName) = signal.kind switch
            {
                SignalKind.Offer => ("OFFER_RECEIVED", "offer"),
                SignalKind.Answer => ("ANSWER_RECEIVED", "answer"),
                _ => ("ICE_CANDIDATE_RECEIVED", "candidate"),
            };
            w.WriteString("type", type);
            w.WriteString("from", signal.fromClientId);
            w.WriteString("fromCallsign", signal.fromCallsign);
            w.WritePropertyName(payloadName);
            // Already validated JSON from the parser: copying it avoids a second parse on the hot path.
            w.WriteRawValue(signal.payload.Span, skipInputValidation: true);
        });

    public static byte[] Error(SignalingError error) => Write(error, static (w, error) =>
    {
        w.WriteString("type", "ERROR");
        w.WriteString("error", error.Code);
        w.WriteString("details", error.Details);
        if (error.InReplyTo is not null) w.WriteString("inReplyTo", error.InReplyTo);
    });

    private static void WritePeers(Utf8JsonWriter w, IReadOnlyCollection<PeerInfo> peers)
    {
        w.WriteStartArray("peers");
        foreach (var peer in peers) WritePeer(w, peer);
        w.WriteEndArray();
    }

    private static void WritePeer(Utf8JsonWriter w, PeerInfo peer)
    {
        w.WriteStartObject();
        w.WriteString("id", peer.Id);
        w.WriteString("callsign", peer.Callsign);
        w.WriteBoolean("hasLicense", peer.HasLicense);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    // The body is static and gets what it writes as state, so writing a frame allocates only the frame.
    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> body)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(1024);
        var json = writer ??= new Utf8JsonWriter(output);
        output.ResetWrittenCount();
        json.Reset(output);
        json.WriteStartObject();
        body(json, state);
        json.WriteEndObject();
        json.Flush();
        return output.WrittenSpan.ToArray();
    }
}
