// The journal's and snapshot store's format for the certificate authority, written on purpose and versioned by
// manifest: events as JSON, snapshots as a compact binary form because they hold every certificate.
using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Mesh.Actors.Certificates;

public sealed class CertificateAuthoritySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerIdentifier = 3713;
    private const string ClaimedManifest = "ca.claimed.v1";
    private const string NodeCertificateManifest = "ca.node-certificate.v1";
    private const string IssuedManifest = "ca.issued.v1";
    private const string TrustedManifest = "ca.trusted.v1";
    private const string BlacklistedManifest = "ca.blacklisted.v1";
    private const string SnapshotManifest = "ca.snapshot.v1";
    private const string MeshTrustEntryManifest = "ca.mesh-trust-entry.v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) => o switch
    {
        NodeClaimed => ClaimedManifest,
        NodeCertificateInstalled => NodeCertificateManifest,
        CertificateIssued => IssuedManifest,
        CertificateTrusted => TrustedManifest,
        CertificateBlacklisted => BlacklistedManifest,
        CertificateAuthorityState => SnapshotManifest,
        MeshTrustEntryStored => MeshTrustEntryManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not persisted by the certificate authority.", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        CertificateAuthorityState state => WriteSnapshot(state),
        ICertificateAuthorityEvent => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json),
        _ => throw new ArgumentException($"{obj.GetType()} is not persisted by the certificate authority.", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        ClaimedManifest => Read<NodeClaimed>(bytes),
        NodeCertificateManifest => Read<NodeCertificateInstalled>(bytes),
        IssuedManifest => Read<CertificateIssued>(bytes),
        TrustedManifest => Read<CertificateTrusted>(bytes),
        BlacklistedManifest => Read<CertificateBlacklisted>(bytes),
        SnapshotManifest => ReadSnapshot(bytes),
        MeshTrustEntryManifest => Read<MeshTrustEntryStored>(bytes),
        _ => throw new SerializationException($"Unknown certificate authority manifest '{manifest}'."),
    };

    private static T Read<T>(byte[] bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new SerializationException($"An empty {typeof(T).Name} in the journal.");

    private static byte[] WriteSnapshot(CertificateAuthorityState state)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write((int)state.Phase);
            writer.Write(state.Owner is not null);
            if (state.Owner is not null)
            {
                writer.Write(state.Owner.Callsign);
                writer.Write(state.Owner.CertificateFingerprint);
                WriteOptional(writer, state.Owner.Metadata);
            }
            WriteBytes(writer, state.AccessTokenHash);
            WriteOptional(writer, state.BootstrapRootFingerprint);
            WriteOptional(writer, state.NodeCertificateFingerprint);
            writer.Write(state.Certificates.Count);
            foreach (var stored in state.Certificates.Values)
            {
                writer.Write(stored.Fingerprint);
                WriteBytes(writer, stored.Der);
                WriteOptional(writer, stored.IssuerFingerprint);
                writer.Write((int)stored.Level);
                WriteOptional(writer, stored.Callsign);
                WriteOptional(writer, stored.LicenseClass);
            }
            writer.Write(state.Blacklist.Count);
            foreach (var entry in state.Blacklist.Values)
            {
                writer.Write(entry.Fingerprint);
                writer.Write(entry.Reason);
                writer.Write(entry.At.UtcTicks);
            }
            writer.Write(state.RecentIssuances.Count());
            foreach (var at in state.RecentIssuances)
                writer.Write(at.UtcTicks);
            writer.Write(state.IssuedTotal);
        }
        return stream.ToArray();
    }

    private static CertificateAuthorityState ReadSnapshot(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var phase = (NodePhase)reader.ReadInt32();
        var owner = reader.ReadBoolean() ? new OwnerRecord(reader.ReadString(), reader.ReadString(), ReadOptional(reader)) : null;
        var tokenHash = ReadBytes(reader);
        var bootstrap = ReadOptional(reader);
        var nodeCertificate = ReadOptional(reader);
        var certificates = ImmutableDictionary.CreateBuilder<string, StoredCertificate>();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var fingerprint = reader.ReadString();
            certificates[fingerprint] = new StoredCertificate(fingerprint, ReadBytes(reader)!, ReadOptional(reader), (TrustLevel)reader.ReadInt32(),
                ReadOptional(reader), ReadOptional(reader));
        }
        var blacklist = ImmutableDictionary.CreateBuilder<string, BlacklistEntry>();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var entry = new BlacklistEntry(reader.ReadString(), reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero));
            blacklist[entry.Fingerprint] = entry;
        }
        var recent = ImmutableQueue<DateTimeOffset>.Empty;
        var recentCount = reader.ReadInt32();
        for (var i = 0; i < recentCount; i++)
            recent = recent.Enqueue(new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero));
        var issuedTotal = reader.ReadInt64();
        return new CertificateAuthorityState(phase, owner, tokenHash, bootstrap, nodeCertificate, certificates.ToImmutable(), blacklist.ToImmutable(),
            recent, recentCount, issuedTotal);
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
            writer.Write(value);
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static void WriteBytes(BinaryWriter writer, byte[]? value)
    {
        writer.Write(value?.Length ?? -1);
        if (value is not null)
            writer.Write(value);
    }

    private static byte[]? ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        return length < 0 ? null : reader.ReadBytes(length);
    }
}
