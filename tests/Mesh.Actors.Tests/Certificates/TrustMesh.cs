// Several nodes in one test process, each an actor system with its own SQLite store, certificate authority and mesh
// trust replica, clustered over Akka.Remote with the throttle adapter so a test can cut and restore links.
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Mesh.Actors.Certificates;
using Mesh.Actors.Tests.Mesh;
using Xunit;

namespace Mesh.Actors.Tests.Certificates;

public sealed class TrustMesh : IAsyncDisposable
{
    // Nobody is downed during a test's partition: downing and re-forming are the daemon's and the mesh specs' subject;
    // here the subject is what the replicated trust store holds when the sides meet again.
    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
        akka.cluster.split-brain-resolver.stable-after = 300s
        akka.loggers = ["Akka.TestKit.TestEventListener, Akka.TestKit"]
        akka.cluster.distributed-data.gossip-interval = 500ms
        """).WithFallback(MeshSpec.NodeConfig);

    private readonly List<string> _directories = [];

    private TrustMesh()
    {
    }

    public List<AuthorityHost> Nodes { get; } = [];

    public static async Task<TrustMesh> StartAsync(int count)
    {
        var mesh = new TrustMesh();
        for (var i = 0; i < count; i++)
        {
            var directory = Directory.CreateTempSubdirectory("mesh-trust-").FullName;
            mesh._directories.Add(directory);
            mesh.Nodes.Add(await AuthorityHost.StartAsync(AuthorityHost.Settings(directory, perHour: 10_000), NodeConfig));
        }
        var seed = Cluster.Get(mesh.Nodes[0].System).SelfAddress;
        foreach (var node in mesh.Nodes)
            Cluster.Get(node.System).Join(seed);
        await mesh.AllUpAsync();
        return mesh;
    }

    public async Task AllUpAsync()
    {
        await Eventually(() =>
        {
            foreach (var node in Nodes)
            {
                var state = Cluster.Get(node.System).State;
                Assert.Equal(Nodes.Count, state.Members.Count(m => m.Status == MemberStatus.Up));
                Assert.Empty(state.Unreachable);
            }
        }, TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops node <paramref name="index"/> and starts it again on its own store, in a cluster of its own.</summary>
    public async Task<AuthorityHost> RestartAloneAsync(int index)
    {
        var settings = Nodes[index].AuthoritySettings;
        await Nodes[index].DisposeAsync();
        var restarted = await AuthorityHost.StartAsync(settings, NodeConfig);
        Cluster.Get(restarted.System).Join(Cluster.Get(restarted.System).SelfAddress);
        Nodes[index] = restarted;
        return restarted;
    }

    public void Cut(IEnumerable<int> island, bool cut)
    {
        var inside = island.Select(i => Nodes[i].System).ToList();
        Links.Set(inside, Nodes.Select(n => n.System).Except(inside), cut);
    }

    /// <summary>Claims the node in bootstrap mode with a fresh self-signed operator certificate and gives it a node certificate.</summary>
    public static TestCertificate ClaimAndActivate(AuthorityHost node, string callsign)
    {
        var owner = TestPki.SelfSignedOperator(callsign);
        var challenge = node.Send<ClaimChallengeIssued>(GetClaimChallenge.Instance);
        node.Send<ClaimAccepted>(new ClaimStation(owner.Pem, [], callsign, null, challenge.Nonce, owner.Sign(challenge.Nonce)));
        var csr = node.Send<NodeCsr>(GetNodeCsr.Instance);
        node.Send<NodeCertificateAccepted>(new InstallNodeCertificate(OwnerDevice.SignNodeCsr(owner, csr.CsrPem).ExportCertificatePem(), [owner.Pem]));
        return owner;
    }

    public static IssuedStation Issue(AuthorityHost node, string callsign)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = node.Send<CertificateIssuedReply>(new IssueCertificate(TestPki.CsrPem(key, TestPki.Subject(null, callsign)),
            new ProofOfLicense(callsign, "general", null)));
        return new IssuedStation(issued, key);
    }

    public static async Task Eventually(Action assertion, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        foreach (var directory in _directories)
            Directory.Delete(directory, recursive: true);
    }
}

/// <summary>A station certificate some node issued, with the station's key so it can prove possession anywhere.</summary>
public sealed record IssuedStation(CertificateIssuedReply Issued, ECDsa Key)
{
    public string Fingerprint => Issued.Fingerprint;

    public VerifyStation Proof(string nonce) => new(Issued.CertificatePem, Issued.ChainPems, nonce,
        Convert.ToBase64String(Key.SignData(Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
}
