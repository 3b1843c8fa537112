// P9: certificates issued per second (through the persistent CA on SQLite, acknowledged = persisted) and chain
// validations per second, with openssl's figures on the same machine in the same run.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Benchmarks;

public static class CertificateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchArguments.Option(args, "--seconds", 5);
        var concurrency = BenchArguments.Option(args, "--concurrency", 32);
        var runs = BenchArguments.Option(args, "--runs", 3);
        var directory = Directory.CreateTempSubdirectory("mesh-bench-ca-").FullName;
        try
        {
            var pki = BenchPki.Create(directory);
            Console.WriteLine($"P9 certificate authority: {runs} runs of {seconds} s, {concurrency} concurrent requests, {Environment.ProcessorCount} cores");

            var issued = new List<double>();
            var signed = new List<double>();
            var uncached = new List<double>();
            var cached = new List<double>();
            var opensslVerify = new List<double>();
            var opensslSign = new List<double>();
            var recovery = new List<RecoveryFigures>();
            for (var run = 1; run <= runs; run++)
            {
                issued.Add(await IssuedThroughActorAsync(pki, Path.Combine(directory, $"run{run}"), seconds, concurrency));
                signed.Add(SignedOnly(pki, seconds));
                uncached.Add(Validations(pki, seconds, cache: false));
                cached.Add(Validations(pki, seconds, cache: true));
                opensslVerify.Add(OpensslVerify(pki, directory));
                opensslSign.Add(OpensslSpeed(seconds));
                recovery.Add(await RecoveryAsync(Path.Combine(directory, $"recovery{run}"), RecoveredCertificates));
                Console.WriteLine($"run {run}: issued {issued[^1]:F0}/s, signed only {signed[^1]:F0}/s, validations {uncached[^1]:F0}/s uncached, " +
                                  $"{cached[^1]:F0}/s cached; openssl verify {opensslVerify[^1]:F0}/s, openssl ECDSA P-256 sign {opensslSign[^1]:F0}/s");
            }

            Console.WriteLine();
            Console.WriteLine("| what | median | target / anchor |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| certificates issued/s (CA actor, persisted to SQLite before the reply) | {BenchArguments.Median(issued):F0} | ≥ 1,000 |");
            Console.WriteLine($"| certificates signed/s (issuance alone, no persistence) | {BenchArguments.Median(signed):F0} | openssl ECDSA P-256 sign/s: {BenchArguments.Median(opensslSign):F0} |");
            Console.WriteLine($"| chain validations/s, X509Chain every time (3-deep chain) | {BenchArguments.Median(uncached):F0} | openssl verify/s: {BenchArguments.Median(opensslVerify):F0} |");
            Console.WriteLine($"| chain validations/s, cached result | {BenchArguments.Median(cached):F0} | ≥ 20,000 |");
            Console.WriteLine($"| events applied/s when replaying a journal (no snapshot) | {BenchArguments.Median(recovery.Select(r => r.ReplayPerSecond).ToList()):F0} | — |");
            Console.WriteLine($"| recovery of {RecoveredCertificates:N0} certificates from a snapshot in SQLite ({recovery[0].SnapshotMegabytes:F0} MB), ms | " +
                              $"{BenchArguments.Median(recovery.Select(r => r.RecoveryMilliseconds).ToList()):F0} | — |");
            Console.WriteLine($"| saving that snapshot, ms | {BenchArguments.Median(recovery.Select(r => r.SaveMilliseconds).ToList()):F0} | — |");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double> IssuedThroughActorAsync(BenchPki pki, string dataDirectory, int seconds, int concurrency)
    {
        var settings = new CertificateSettings(dataDirectory, Path.Combine(dataDirectory, "certs"), int.MaxValue, 10_000, TimeSpan.FromDays(3650));
        Directory.CreateDirectory(settings.RootsDirectory);
        File.WriteAllText(Path.Combine(settings.RootsDirectory, "root.pem"), pki.Root.ExportCertificatePem());
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("mesh-bench", akka =>
        {
            akka.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend);
            akka.AddNodeStorage(settings.DatabasePath).AddCertificateAuthority(settings);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var authority = host.Services.GetRequiredService<ActorRegistry>().Get<CertificateAuthority>();
            var timeout = TimeSpan.FromSeconds(30);
            var nonce = (await authority.Ask<ClaimChallengeIssued>(GetClaimChallenge.Instance, timeout)).Nonce;
            var claim = await authority.Ask<ICertificateAuthorityReply>(new ClaimStation(pki.Owner.ExportCertificatePem(), [], "K1OWN", null, nonce,
                Convert.ToBase64String(pki.OwnerKey.SignData(System.Text.Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256))), timeout);
            if (claim is not ClaimAccepted)
                throw new InvalidOperationException($"claim refused: {claim}");
            var csr = await authority.Ask<NodeCsr>(GetNodeCsr.Instance, timeout);
            var node = pki.SignNodeCsr(csr.CsrPem);
            var installed = await authority.Ask<ICertificateAuthorityReply>(new InstallNodeCertificate(node.ExportCertificatePem(), [pki.Owner.ExportCertificatePem()]), timeout);
            if (installed is not NodeCertificateAccepted)
                throw new InvalidOperationException($"node certificate refused: {installed}");

            var requests = Enumerable.Range(0, 64).Select(i => new IssueCertificate(pki.StationCsrs[i % pki.StationCsrs.Count], new ProofOfLicense($"K{i % 10}BNC", "general", null))).ToArray();
            // Warm-up: JIT, connection pool, the validator's cache for the node's own chain.
            for (var i = 0; i < 50; i++)
                await authority.Ask<ICertificateAuthorityReply>(requests[i % requests.Length], timeout);

            long count = 0;
            var stopwatch = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(seconds);
            var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var i = worker;
                while (stopwatch.Elapsed < deadline)
                {
                    var reply = await authority.Ask<ICertificateAuthorityReply>(requests[i++ % requests.Length], timeout);
                    if (reply is not CertificateIssuedReply)
                        throw new InvalidOperationException($"issuance refused: {reply}");
                    Interlocked.Increment(ref count);
                }
            })).ToArray();
            await Task.WhenAll(workers);
            return count / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private const int RecoveredCertificates = 100_000;

    private sealed record RecoveryFigures(double ReplayPerSecond, double SnapshotMegabytes, double SaveMilliseconds, double RecoveryMilliseconds);

    /// <summary>
    /// A CA holding 100,000 issued certificates (450 random bytes each, the size of a P-256 certificate: Apply hashes
    /// them and does not parse them) is snapshotted into SQLite, then a fresh CA actor recovers from it.
    /// </summary>
    private static async Task<RecoveryFigures> RecoveryAsync(string dataDirectory, int certificates)
    {
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var events = Enumerable.Range(0, certificates)
            .Select(i => new CertificateIssued(RandomNumberGenerator.GetBytes(450), $"K{i % 10}BNC", "general", "issuer", at))
            .ToList();
        var stopwatch = Stopwatch.StartNew();
        var state = CertificateAuthorityState.Empty;
        foreach (var e in events)
            state = state.Apply(e);
        var replayPerSecond = certificates / stopwatch.Elapsed.TotalSeconds;

        var settings = new CertificateSettings(dataDirectory, Path.Combine(dataDirectory, "certs"), 10, 10_000, TimeSpan.FromDays(3650));
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("mesh-bench-recovery", akka =>
        {
            akka.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend);
            akka.AddNodeStorage(settings.DatabasePath).AddCertificateAuthority(settings);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var timeout = TimeSpan.FromMinutes(2);
            var first = host.Services.GetRequiredService<ActorRegistry>().Get<CertificateAuthority>();
            await first.GracefulStop(timeout);

            using var nodeKey = NodeKey.LoadOrCreate(settings.CertificateDirectory);
            var persistenceId = $"certificate-authority-{nodeKey.PublicKeyFingerprint[..16]}";
            var bytes = new CertificateAuthoritySerializer((ExtendedActorSystem)system).ToBinary(state).Length;
            stopwatch.Restart();
            var saved = await Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null)
                .Ask<object>(new Akka.Persistence.SaveSnapshot(new Akka.Persistence.SnapshotMetadata(persistenceId, certificates, DateTime.UtcNow), state), timeout);
            if (saved is not Akka.Persistence.SaveSnapshotSuccess)
                throw new InvalidOperationException($"snapshot not saved: {saved}");
            var saveMilliseconds = stopwatch.Elapsed.TotalMilliseconds;

            stopwatch.Restart();
            var recovered = system.ActorOf(CertificateAuthorityActor.Props(settings, nodeKey, []), "recovered-authority");
            var status = await recovered.Ask<AuthorityStatus>(GetAuthorityStatus.Instance, timeout);
            var recoveryMilliseconds = stopwatch.Elapsed.TotalMilliseconds;
            var list = await recovered.Ask<CertificateList>(ListCertificates.Instance, timeout);
            if (list.Certificates.Count != certificates || status.Phase != NodePhase.Unclaimed)
                throw new InvalidOperationException($"recovered {list.Certificates.Count} certificates, expected {certificates}");
            return new RecoveryFigures(replayPerSecond, bytes / 1024.0 / 1024.0, saveMilliseconds, recoveryMilliseconds);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static double SignedOnly(BenchPki pki, int seconds)
    {
        var request = CertificateIssuance.ParseCsr(pki.StationCsrs[0]).Request!;
        var issuer = new Issuer(pki.OwnerWithKey, pki.OwnerKey);
        return Measure(seconds, () => CertificateIssuance.IssueStation(request, "general", issuer, DateTimeOffset.UtcNow, TimeSpan.FromDays(3650)));
    }

    private static double Validations(BenchPki pki, int seconds, bool cache)
    {
        var roots = new[] { TrustedRoot.Of(pki.Root) };
        var shared = new ChainValidator(roots, ImmutableHashSet<string>.Empty);
        var chain = new[] { pki.Owner };
        var i = 0;
        return Measure(seconds, () =>
        {
            var validator = cache ? shared : new ChainValidator(roots, ImmutableHashSet<string>.Empty);
            var result = validator.Validate(pki.Leaves[i++ % pki.Leaves.Count], chain);
            if (!result.IsValid)
                throw new InvalidOperationException(result.Error!.Details);
        });
    }

    /// <summary>One openssl process verifying every leaf against root and chain: the cost of validation, not of process start.</summary>
    private static double OpensslVerify(BenchPki pki, string directory)
    {
        var work = Directory.CreateDirectory(Path.Combine(directory, "openssl")).FullName;
        File.WriteAllText(Path.Combine(work, "root.pem"), pki.Root.ExportCertificatePem());
        File.WriteAllText(Path.Combine(work, "chain.pem"), pki.Owner.ExportCertificatePem());
        var leaves = new List<string>();
        for (var i = 0; i < pki.Leaves.Count; i++)
        {
            var name = $"leaf{i}.pem";
            File.WriteAllText(Path.Combine(work, name), pki.Leaves[i].ExportCertificatePem());
            leaves.Add(name);
        }
        var stopwatch = Stopwatch.StartNew();
        var (exit, output) = Openssl(work, ["verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", .. leaves]);
        stopwatch.Stop();
        if (exit != 0 || output.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)) != leaves.Count)
            throw new InvalidOperationException($"openssl verify failed: {output}");
        return leaves.Count / stopwatch.Elapsed.TotalSeconds;
    }

    private static double OpensslSpeed(int seconds)
    {
        var (exit, output) = Openssl(Path.GetTempPath(), ["speed", "-seconds", Math.Max(1, seconds / 2).ToString(), "ecdsap256"]);
        if (exit != 0)
            throw new InvalidOperationException($"openssl speed failed: {output}");
        // The summary line: " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  40000.0  12000.0" (sign/s, verify/s).
        var line = output.Split('\n').Last(l => l.Contains("ecdsa (nistp256)", StringComparison.Ordinal));
        var numbers = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(numbers[^2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (int Exit, string Output) Openssl(string directory, string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static double Measure(int seconds, Action action)
    {
        for (var i = 0; i < 200; i++)
            action();
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            action();
            count++;
        }
        return count / stopwatch.Elapsed.TotalSeconds;
    }
}

/// <summary>A root, an owner CA under it and station leaves under the owner; CSRs for the issuance runs.</summary>
public sealed record BenchPki(
    X509Certificate2 Root,
    X509Certificate2 Owner,
    X509Certificate2 OwnerWithKey,
    ECDsa OwnerKey,
    IReadOnlyList<X509Certificate2> Leaves,
    IReadOnlyList<string> StationCsrs)
{
    public static BenchPki Create(string directory)
    {
        var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Bench Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(20));

        var ownerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ownerRequest = new CertificateRequest(CertificateIssuance.StationSubject(Callsign.Parse("K1OWN")), ownerKey, HashAlgorithmName.SHA256);
        ownerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        ownerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        ownerRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(ownerRequest.PublicKey, false));
        ownerRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var owner = ownerRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10), CertificateIssuance.NewSerialNumber());
        var ownerWithKey = ECDsaCertificateExtensions.CopyWithPrivateKey(owner, ownerKey);

        var csrs = new List<string>();
        var leaves = new List<X509Certificate2>();
        for (var i = 0; i < 64; i++)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var csr = new CertificateRequest(CertificateIssuance.StationSubject(Callsign.Parse($"K{i % 10}BNC")), key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            csrs.Add(csr);
            leaves.Add(CertificateIssuance.IssueStation(CertificateIssuance.ParseCsr(csr).Request!, "general", new Issuer(ownerWithKey, ownerKey),
                DateTimeOffset.UtcNow, TimeSpan.FromDays(3650)));
        }
        return new BenchPki(root, owner, ownerWithKey, ownerKey, leaves, csrs);
    }

    /// <summary>What the owner's device does with the node's CSR.</summary>
    public X509Certificate2 SignNodeCsr(string csrPem)
    {
        var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var node = new CertificateRequest(request.SubjectName, request.PublicKey, HashAlgorithmName.SHA256);
        node.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        node.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        node.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(node.PublicKey, false));
        node.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Owner, true, false));
        return node.Create(OwnerWithKey, DateTimeOffset.UtcNow.AddDays(-1), Owner.NotAfter, CertificateIssuance.NewSerialNumber());
    }
}
