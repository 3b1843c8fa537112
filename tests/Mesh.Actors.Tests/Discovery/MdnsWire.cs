// Test helpers: what a message looks like after a trip through the wire, as a receiver reads it.
using System.Net;
using Makaretu.Dns;

namespace Mesh.Actors.Tests.Discovery;

internal static class MdnsWire
{
    public static Message RoundTrip(Message message)
    {
        var read = new Message();
        read.Read(message.ToByteArray(), 0, message.ToByteArray().Length);
        return read;
    }

    public static readonly IPAddress NodeAddress = IPAddress.Parse("10.77.0.2");

    public static global::Mesh.Actors.Discovery.LocalNode Station(string? callsign = null) => new(
        NodeId: "0123456789abcdef",
        Callsign: callsign,
        Version: "0.1.0-dev",
        Capabilities: ["signaling", "webrtc", "mesh"],
        HttpPort: 8080,
        SignalingPath: "/ws/signal",
        AkkaAddress: "akka.tcp://mesh@10.77.0.2:4053");
}
