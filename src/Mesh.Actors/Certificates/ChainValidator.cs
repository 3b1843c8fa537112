// Chain validation against our own trust anchors (never the OS store), with a cache that lives as long as the
// roots and blacklist it was built from: a change makes a new validator, so the old answers go with the old one.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Actors.Certificates;

/// <summary>A root the operator chose to trust; LoTW roots (from a .tq6, or ARRL's subject) allow LoTW's RSA 1024 keys below them.</summary>
public sealed record TrustedRoot(X509Certificate2 Certificate, bool IsLotw)
{
    public string Fingerprint { get; } = CertificateProfile.Fingerprint(Certificate);

    public static TrustedRoot Of(X509Certificate2 certificate, bool fromTq6 = false) =>
        new(certificate, fromTq6 || IsArrlSubject(certificate));

    private static bool IsArrlSubject(X509Certificate2 certificate) =>
        certificate.SubjectName.EnumerateRelativeDistinguishedNames().Any(rdn =>
            !rdn.HasMultipleElements
            && rdn.GetSingleElementType().Value == CertificateOids.Organization
            && string.Equals(rdn.GetSingleElementValue(), "American Radio Relay League", StringComparison.OrdinalIgnoreCase));
}

/// <summary>A chain that validated: leaf first, trusted root last.</summary>
public sealed record ValidatedChain(CertificateFacts Leaf, IReadOnlyList<X509Certificate2> Path, TrustedRoot Root)
{
    public X509Certificate2 Certificate => Path[0];
}

public sealed record ChainValidation(ValidatedChain? Chain, CertificateError? Error)
{
    public bool IsValid => Chain is not null;
    public static ChainValidation Of(ValidatedChain chain) => new(chain, null);
    public static ChainValidation Refused(string code, string details) => new(null, new CertificateError(code, details));
}

public sealed class ChainValidator
{
    /// <summary>Certificates in a path, leaf and root included.</summary>
    public const int MaximumDepth = 10;

    private const int CacheLimit = 50_000;

    private readonly ImmutableDictionary<string, TrustedRoot> _roots;
    private readonly ConcurrentDictionary<string, ChainValidation> _cache = new();

    public ChainValidator(IEnumerable<TrustedRoot> roots, IImmutableSet<string> blacklist)
    {
        _roots = roots.GroupBy(r => r.Fingerprint).ToImmutableDictionary(g => g.Key, g => g.First());
        Blacklist = blacklist;
    }

    public static ChainValidator Empty { get; } = new([], ImmutableHashSet<string>.Empty);

    public IImmutableSet<string> Blacklist { get; }

    public IEnumerable<TrustedRoot> Roots => _roots.Values;

    public bool HasRoots => !_roots.IsEmpty;

    public bool IsTrustedRoot(string fingerprint) => _roots.ContainsKey(fingerprint);

    public ChainValidator WithBlacklist(IImmutableSet<string> blacklist) => new(_roots.Values, blacklist);

    public ChainValidator WithRoots(IEnumerable<TrustedRoot> roots) => new(roots, Blacklist);

    /// <summary>
    /// <paramref name="chain"/> is the issuer of the leaf first, then its issuer, and so on; the trusted root at
    /// the end may be given or left out.
    /// </summary>
    public ChainValidation Validate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain)
    {
        var key = string.Join('|', chain.Prepend(leaf).Select(CertificateProfile.Fingerprint));
        if (_cache.TryGetValue(key, out var known))
            return known;
        var result = ValidateUncached(leaf, chain);
        if (_cache.Count >= CacheLimit)
            _cache.Clear();
        _cache[key] = result;
        return result;
    }

    private ChainValidation ValidateUncached(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain)
    {
        if (chain.Count + 1 > MaximumDepth)
            return ChainValidation.Refused(CertificateError.InvalidChain, $"The chain is {chain.Count + 1} certificates deep; at most {MaximumDepth} are accepted.");

        var given = chain.Prepend(leaf).ToList();
        foreach (var member in given)
        {
            var fingerprint = CertificateProfile.Fingerprint(member);
            if (Blacklist.Contains(fingerprint))
                return ChainValidation.Refused(CertificateError.Blacklisted, $"Certificate {fingerprint} in the chain is blacklisted.");
        }
        for (var i = 1; i < given.Count; i++)
        {
            if (!given[i].SubjectName.RawData.AsSpan().SequenceEqual(given[i - 1].IssuerName.RawData))
                return ChainValidation.Refused(CertificateError.InvalidChain,
                    $"Chain member {i} is not the issuer of the certificate before it; give the chain from the leaf's issuer up to the root.");
        }

        CertificateFacts? leafFacts = null;
        foreach (var member in given)
        {
            var reading = CertificateProfile.Read(member);
            if (reading.Error is not null)
                return new ChainValidation(null, reading.Error);
            leafFacts ??= reading.Facts;
        }

        if (_roots.IsEmpty)
            return ChainValidation.Refused(CertificateError.UntrustedRoot, "This node trusts no root yet.");

        using var x509 = new X509Chain();
        x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        x509.ChainPolicy.DisableCertificateDownloads = true;
        // Certificates do not expire by policy here (LoTW's tools accept expired members too); dates are only reported.
        x509.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        foreach (var trusted in _roots.Values)
            x509.ChainPolicy.CustomTrustStore.Add(trusted.Certificate);
        foreach (var member in chain)
            x509.ChainPolicy.ExtraStore.Add(member);

        if (!x509.Build(leaf))
            return ChainValidation.Refused(StatusCode(x509), Describe(x509));

        var path = x509.ChainElements.Select(e => e.Certificate).ToList();
        if (path.Count > MaximumDepth)
            return ChainValidation.Refused(CertificateError.InvalidChain, $"The chain is {path.Count} certificates deep; at most {MaximumDepth} are accepted.");
        // The built path must be the one given, in the order given: no member skipped, none added but the root.
        for (var i = 0; i < given.Count; i++)
        {
            if (i >= path.Count || !path[i].RawDataMemory.Span.SequenceEqual(given[i].RawDataMemory.Span))
                return ChainValidation.Refused(CertificateError.InvalidChain, "The chain given is not the path from the leaf to a trusted root.");
        }
        if (path.Count > given.Count + 1)
            return ChainValidation.Refused(CertificateError.InvalidChain, "The chain given stops short of the certificate that a trusted root signed.");

        var rootFingerprint = CertificateProfile.Fingerprint(path[^1]);
        if (!_roots.TryGetValue(rootFingerprint, out var root))
            return ChainValidation.Refused(CertificateError.UntrustedRoot, "The chain does not end at a trusted root.");
        if (Blacklist.Contains(rootFingerprint))
            return ChainValidation.Refused(CertificateError.Blacklisted, $"The root {rootFingerprint} is blacklisted.");

        foreach (var member in path)
        {
            var weakness = KeyWeakness(member, root.IsLotw);
            if (weakness is not null)
                return ChainValidation.Refused(CertificateError.WeakKey, weakness);
        }
        return ChainValidation.Of(new ValidatedChain(leafFacts!, path, root));
    }

    /// <summary>ECDSA on the NIST curves and RSA 2048+; RSA 1024 only below a LoTW root, whose user keys are RSA 1024.</summary>
    public static string? KeyWeakness(X509Certificate2 certificate, bool underLotwRoot)
    {
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                if (rsa.KeySize >= 2048 || (underLotwRoot && rsa.KeySize >= 1024))
                    return null;
                return underLotwRoot
                    ? $"An RSA key of {rsa.KeySize} bits is too small."
                    : $"An RSA key of {rsa.KeySize} bits is accepted only in a chain that ends at a LoTW root.";
            }
        }
        using (var ecdsa = certificate.GetECDsaPublicKey())
        {
            if (ecdsa is not null)
            {
                var curve = ecdsa.ExportParameters(false).Curve;
                return curve.IsNamed && curve.Oid.Value is "1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35"
                    ? null
                    : "Only ECDSA keys on P-256, P-384 or P-521 are accepted.";
            }
        }
        return "Only ECDSA and RSA keys are accepted.";
    }

    private static string StatusCode(X509Chain chain)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid))
            return CertificateError.InvalidChain;
        if (flags.HasFlag(X509ChainStatusFlags.PartialChain) || flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            return CertificateError.UntrustedRoot;
        return CertificateError.InvalidChain;
    }

    private static string Describe(X509Chain chain)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (flags.HasFlag(X509ChainStatusFlags.NotSignatureValid))
            return "A signature in the chain does not verify.";
        if (flags.HasFlag(X509ChainStatusFlags.PartialChain) || flags.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            return "The chain does not end at a trusted root.";
        return $"The chain does not validate: {string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct())}.";
    }
}
