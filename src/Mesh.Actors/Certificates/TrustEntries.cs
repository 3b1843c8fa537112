// The facts of a trust store that travel between nodes, and the signed envelope they travel in. A node signs
// what it states with its node key; a receiver opens an entry only when the signature and the fact itself check.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Actors.Mesh;

namespace Mesh.Actors.Certificates;

/// <summary>One fact of a node's trust store. <see cref="Identity"/> is the same whichever node states it.</summary>
public abstract record TrustFact
{
    public abstract string Identity { get; }
}

/// <summary>A root some node's operator chose to trust: it becomes a trust anchor of every node in the mesh.</summary>
public sealed record AnchorFact(byte[] Root, bool IsLotw) : TrustFact
{
    public override string Identity => $"anchor:{Convert.ToHexStringLower(SHA256.HashData(Root))}";
}

/// <param name="Chain">the issuers, nearest first, up to and including a self-signed root.</param>
public sealed record CertificateFact(byte[] Certificate, IReadOnlyList<byte[]> Chain) : TrustFact
{
    public override string Identity => $"certificate:{Convert.ToHexStringLower(SHA256.HashData(Certificate))}";
}

public sealed record BlacklistFact(string Fingerprint, string Reason, DateTimeOffset At) : TrustFact
{
    public override string Identity => $"blacklist:{Fingerprint}";
}

/// <summary>
/// The element of the replicated sets. Strings only, so that two copies of one entry are equal, which the
/// grow-only set needs. <paramref name="Payload"/> is the exact JSON text that was signed.
/// </summary>
/// <param name="Origin">base64 SubjectPublicKeyInfo of the stating node's key.</param>
/// <param name="Signature">base64 ECDSA P-256/SHA-256 (IEEE P1363) over the UTF-8 payload.</param>
public sealed record SignedTrustEntry(string Payload, string Origin, string Signature) : IMeshMessage;

public sealed record OpenedTrustEntry(TrustFact Fact, string OriginFingerprint);

public sealed record TrustEntryCheck(OpenedTrustEntry? Opened, string? Rejection)
{
    public static TrustEntryCheck Reject(string why) => new(null, why);
}

public static class TrustEntries
{
    public const int LargestPayload = 96 * 1024;
    private const int LargestKeyOrSignature = 1024;
    private const int LargestReason = 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SignedTrustEntry Sign(TrustFact fact, NodeKey key)
    {
        var payload = JsonSerializer.Serialize(Payload.Of(fact), Json);
        var signature = key.Key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedTrustEntry(payload, Convert.ToBase64String(key.Key.ExportSubjectPublicKeyInfo()), Convert.ToBase64String(signature));
    }

    /// <summary>What a receiver does with an entry from another node: every check, and the reason for the first that fails.</summary>
    public static TrustEntryCheck Open(SignedTrustEntry entry)
    {
        if (entry.Payload is null || entry.Origin is null || entry.Signature is null)
            return TrustEntryCheck.Reject("the entry lacks its payload, origin or signature");
        if (entry.Payload.Length > LargestPayload)
            return TrustEntryCheck.Reject($"the payload is larger than {LargestPayload} characters");
        if (entry.Origin.Length > LargestKeyOrSignature || entry.Signature.Length > LargestKeyOrSignature)
            return TrustEntryCheck.Reject("the origin key or signature is oversized");

        byte[] originKey, signature;
        try
        {
            originKey = Convert.FromBase64String(entry.Origin);
            signature = Convert.FromBase64String(entry.Signature);
        }
        catch (FormatException)
        {
            return TrustEntryCheck.Reject("the origin key or signature is not base64");
        }

        using var origin = ECDsa.Create();
        try
        {
            origin.ImportSubjectPublicKeyInfo(originKey, out var read);
            if (read != originKey.Length)
                return TrustEntryCheck.Reject("the origin key has trailing bytes");
        }
        catch (CryptographicException)
        {
            return TrustEntryCheck.Reject("the origin is not an ECDSA public key");
        }
        if (!origin.VerifyData(Encoding.UTF8.GetBytes(entry.Payload), signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return TrustEntryCheck.Reject("the signature does not verify with the origin's key");

        var (fact, error) = Read(entry);
        if (error is not null)
            return TrustEntryCheck.Reject(error);
        var factError = Check(fact!);
        return factError is not null
            ? TrustEntryCheck.Reject(factError)
            : new TrustEntryCheck(new OpenedTrustEntry(fact!, Convert.ToHexStringLower(SHA256.HashData(originKey))), null);
    }

    /// <summary>The fact of an entry this node already checked and stored: parsing only.</summary>
    public static (TrustFact? Fact, string? Error) Read(SignedTrustEntry entry)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(entry.Payload, Json);
        }
        catch (JsonException)
        {
            return (null, "the payload is not the JSON of a trust fact");
        }
        if (payload is null || payload.V != 1)
            return (null, $"the payload's version {payload?.V} is not one this node reads");
        try
        {
            TrustFact? fact = payload.Kind switch
            {
                "anchor" when payload.Root is not null => new AnchorFact(Convert.FromBase64String(payload.Root), payload.Lotw ?? false),
                "certificate" when payload.Certificate is not null && payload.Chain is not null =>
                    new CertificateFact(Convert.FromBase64String(payload.Certificate), payload.Chain.Select(Convert.FromBase64String).ToList()),
                "blacklist" when payload.Fingerprint is not null && payload.Reason is not null && payload.At is not null =>
                    new BlacklistFact(payload.Fingerprint, payload.Reason, payload.At.Value),
                _ => null,
            };
            return fact is null ? (null, $"the payload is not a complete '{payload.Kind}' fact") : (fact, null);
        }
        catch (FormatException)
        {
            return (null, "a certificate in the payload is not base64");
        }
    }

    private static string? Check(TrustFact fact)
    {
        try
        {
            return fact switch
            {
                AnchorFact anchor => CheckAnchor(anchor),
                CertificateFact certificate => CheckCertificate(certificate),
                BlacklistFact blacklist => CheckBlacklist(blacklist),
                _ => "an unknown kind of fact",
            };
        }
        catch (CryptographicException)
        {
            return "a certificate in the payload is not DER";
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // Another node's bytes must never stop the replica: whatever a parser throws on them is a rejection.
            return $"a certificate in the payload could not be read ({e.GetType().Name})";
        }
    }

    private static string? CheckAnchor(AnchorFact anchor)
    {
        var root = X509CertificateLoader.LoadCertificate(anchor.Root);
        var reading = CertificateProfile.Read(root);
        if (reading.Error is not null)
            return reading.Error.Details;
        if (reading.Facts is not { IsSelfSigned: true, CanIssue: true })
            return "an anchor must be a self-signed CA certificate";
        return ChainValidator.KeyWeakness(root, anchor.IsLotw);
    }

    /// <summary>The certificate's own signatures, checked against the root its chain ends at: proof it was issued as stated.</summary>
    private static string? CheckCertificate(CertificateFact fact)
    {
        if (fact.Chain.Count >= ChainValidator.MaximumDepth)
            return $"the chain is deeper than {ChainValidator.MaximumDepth} certificates";
        var leaf = X509CertificateLoader.LoadCertificate(fact.Certificate);
        var chain = fact.Chain.Select(X509CertificateLoader.LoadCertificate).ToList();
        var top = chain.Count > 0 ? chain[^1] : leaf;
        if (CertificateProfile.Read(top).Facts is not { IsSelfSigned: true })
            return "the chain does not end at a self-signed root";
        var validation = new ChainValidator([TrustedRoot.Of(top)], System.Collections.Immutable.ImmutableHashSet<string>.Empty).Validate(leaf, chain);
        return validation.Error?.Details;
    }

    private static string? CheckBlacklist(BlacklistFact fact)
    {
        if (fact.Fingerprint.Length != 64 || !fact.Fingerprint.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            return "the blacklisted fingerprint is not a lower-case SHA-256";
        if (string.IsNullOrWhiteSpace(fact.Reason) || fact.Reason.Length > LargestReason)
            return $"the reason must be 1 to {LargestReason} characters";
        return null;
    }

    /// <summary>The signed JSON; field names are part of the format (version 1).</summary>
    private sealed record Payload(
        int V,
        string Kind,
        string? Root = null,
        bool? Lotw = null,
        string? Certificate = null,
        string[]? Chain = null,
        string? Fingerprint = null,
        string? Reason = null,
        DateTimeOffset? At = null)
    {
        public static Payload Of(TrustFact fact) => fact switch
        {
            AnchorFact a => new Payload(1, "anchor", Root: Convert.ToBase64String(a.Root), Lotw: a.IsLotw),
            CertificateFact c => new Payload(1, "certificate", Certificate: Convert.ToBase64String(c.Certificate),
                Chain: c.Chain.Select(Convert.ToBase64String).ToArray()),
            BlacklistFact b => new Payload(1, "blacklist", Fingerprint: b.Fingerprint, Reason: b.Reason, At: b.At),
            _ => throw new ArgumentOutOfRangeException(nameof(fact), fact.GetType().Name, "Not a trust fact."),
        };
    }
}
