// Wires the certificate authority into the node's actor system: storage, serializer, the actor and its registry keys.
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Mesh.Actors.Signaling;
using Microsoft.Data.Sqlite;

namespace Mesh.Actors.Certificates;

/// <summary>ActorRegistry key of the node's certificate authority.</summary>
public sealed class CertificateAuthority;

public static class CertificateAuthorityHosting
{
    /// <summary>
    /// Journal and snapshots in one SQLite file in the data dir, in WAL mode so reads do not wait on the writer
    /// (the mode is kept in the file). Tables are made on first start.
    /// </summary>
    public static AkkaConfigurationBuilder AddNodeStorage(this AkkaConfigurationBuilder builder, string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var connectionString = $"Data Source={databasePath}";
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
        // SQLite has one writer: parallel journal writers only queue on its lock (and back off on SQLITE_BUSY).
        builder.AddHocon("akka.persistence.journal.sql.parallelism = 1", HoconAddMode.Prepend);
        return builder.WithSqlPersistence(connectionString: connectionString, providerName: ProviderName.SQLiteMS, autoInitialize: true);
    }

    /// <summary>
    /// The certificate authority, registered under <see cref="CertificateAuthority"/> and, so that signaling shows
    /// licensed stations, under <see cref="LicenseVerifier"/>: call it before AddSignaling. Needs AddNodeStorage.
    /// <paramref name="acrossMesh"/> gives it the <see cref="MeshTrustActor"/> replica that spreads the trust store and blacklist
    /// through the cluster and takes in other nodes': it needs the cluster provider and the mesh serializer (AddMesh).
    /// </summary>
    public static AkkaConfigurationBuilder AddCertificateAuthority(this AkkaConfigurationBuilder builder, CertificateSettings settings,
        TimeProvider? time = null, bool acrossMesh = false)
    {
        builder.WithCustomSerializer("mesh-certificates", [typeof(ICertificateAuthorityEvent), typeof(CertificateAuthorityState)],
            system => new CertificateAuthoritySerializer(system));
        return builder.WithActors((system, registry) =>
        {
            var nodeKey = NodeKey.LoadOrCreate(settings.CertificateDirectory);
            var roots = TrustedRootsDirectory.Load(settings.RootsDirectory);
            foreach (var problem in roots.Problems)
                system.Log.Warning("Trusted root not loaded: {Problem}", problem);
            var meshTrust = acrossMesh ? MeshTrustActor.Props(nodeKey, Akka.DistributedData.DistributedData.Get(system).Replicator, time) : null;
            var authority = system.ActorOf(CertificateAuthorityActor.Props(settings, nodeKey, roots.Roots, time, meshTrust), "certificate-authority");
            registry.Register<CertificateAuthority>(authority);
            registry.Register<LicenseVerifier>(authority);
        });
    }
}
