// The certificate authority's settings: where its key and roots live, and the `mesh.certificates` block.
using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Actors.Certificates;

public sealed record CertificateSettings(
    string DataDirectory,
    string CertificateDirectory,
    int IssuancePerHour,
    int SnapshotEvery,
    TimeSpan IssuedLifetime)
{
    public string RootsDirectory => Path.Combine(CertificateDirectory, "roots");

    public string DatabasePath => Path.Combine(DataDirectory, "mesh.db");

    /// <param name="mesh">the `mesh` block of the node's HOCON.</param>
    public static CertificateSettings FromConfig(Config mesh, string dataDirectory, string certificateDirectory) => new(
        dataDirectory,
        certificateDirectory,
        ConfigReader.IntInRange(mesh, "certificates.issuance-per-hour", 0, 100_000_000),
        ConfigReader.IntInRange(mesh, "certificates.snapshot-every", 1, 10_000_000),
        ConfigReader.PositiveDuration(mesh, "certificates.issued-lifetime"));
}
