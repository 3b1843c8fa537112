// The wire format of every message that crosses nodes: versioned manifests, compact binary bodies.
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Mesh.Actors.Certificates;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Mesh;

/// <summary>
/// Hand-written so the format is a decision, not a side effect: a manifest names each type and its
/// version, and a node that meets a version it does not know refuses the message instead of guessing.
/// </summary>
public sealed class MeshMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4053;
    public const string DeliverV1 = "deliver.v1";
    public const string PresenceEntryV1 = "presence-entry.v1";
    public const string NodeCardV1 = "node-card.v1";
    public const string TrustEntryV1 = "trust-entry.v1";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        Presence.Deliver => DeliverV1,
        PresenceEntry => PresenceEntryV1,
        NodeCard => NodeCardV1,
        SignedTrustEntry => TrustEntryV1,
        _ => throw new ArgumentException($"{o.GetType()} is not a mesh message this serializer knows", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case Presence.Deliver deliver:
                    writer.Write(deliver.Frame.Length);
                    writer.Write(deliver.Frame);
                    break;
                case PresenceEntry entry:
                    writer.Write(entry.ClientId);
                    writer.Write(entry.Callsign);
                    writer.Write(entry.HasLicense);
                    writer.Write(Akka.Serialization.Serialization.SerializedActorPath(entry.Connection));
                    break;
                case NodeCard card:
                    writer.Write(card.NodeId);
                    WriteNullable(writer, card.Callsign);
                    break;
                case SignedTrustEntry entry:
                    writer.Write(entry.Payload);
                    writer.Write(entry.Origin);
                    writer.Write(entry.Signature);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not a mesh message this serializer knows", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        try
        {
            return manifest switch
            {
                DeliverV1 => new Presence.Deliver(reader.ReadBytes(reader.ReadInt32())),
                PresenceEntryV1 => new PresenceEntry(reader.ReadString(), reader.ReadString(), reader.ReadBoolean(),
                    system.Provider.ResolveActorRef(reader.ReadString())),
                NodeCardV1 => new NodeCard(reader.ReadString(), ReadNullable(reader)),
                TrustEntryV1 => new SignedTrustEntry(reader.ReadString(), reader.ReadString(), reader.ReadString()),
                _ => throw new SerializationException($"Unknown mesh message manifest '{manifest}': a newer node sent a version this one does not read."),
            };
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new SerializationException($"A truncated or malformed '{manifest}' mesh message.");
        }
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null) writer.Write(value);
    }

    private static string? ReadNullable(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
