// Roots the operator trusts on purpose: PEM, DER or TQSL .tq6 files dropped into <cert-dir>/roots.
namespace Mesh.Actors.Certificates;

public sealed record LoadedRoots(IReadOnlyList<TrustedRoot> Roots, IReadOnlyList<string> Problems);

public static class TrustedRootsDirectory
{
    public static LoadedRoots Load(string directory)
    {
        var roots = new List<TrustedRoot>();
        var problems = new List<string>();
        if (!Directory.Exists(directory))
            return new LoadedRoots(roots, problems);
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".tq6", StringComparison.OrdinalIgnoreCase))
            {
                using var stream = File.OpenRead(path);
                var (bundle, error) = CertificateFiles.ReadTq6(stream);
                if (error is not null)
                    problems.Add($"{Path.GetFileName(path)}: {error.Details}");
                else
                    roots.AddRange(bundle!.Roots.Select(r => TrustedRoot.Of(r, fromTq6: true)));
                continue;
            }
            if (!(path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                  || path.EndsWith(".cer", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".der", StringComparison.OrdinalIgnoreCase)))
                continue;
            var loaded = CertificateFiles.Load(File.ReadAllBytes(path));
            if (loaded.Error is not null)
            {
                problems.Add($"{Path.GetFileName(path)}: {loaded.Error.Details}");
                continue;
            }
            foreach (var certificate in loaded.Certificates!)
            {
                if (CertificateProfile.Read(certificate).Facts is { IsSelfSigned: true, CanIssue: true })
                    roots.Add(TrustedRoot.Of(certificate));
                else
                    problems.Add($"{Path.GetFileName(path)}: {certificate.Subject} is not a self-signed CA certificate.");
            }
        }
        return new LoadedRoots(roots, problems);
    }
}
