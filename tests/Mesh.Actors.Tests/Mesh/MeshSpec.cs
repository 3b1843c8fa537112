using Xunit;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Mesh.Actors.Mesh;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Mesh;

/// <summary>
/// Several actor systems in one test process, each a mesh node with its own presence actor, over
/// Akka.Remote with the throttle adapter so a test can cut and restore links. Node 0 is the TestKit's system.
/// </summary>
public abstract class MeshSpec : Akka.TestKit.Xunit2.TestKit
{
    // The resolver waits longer than any test's cut, so a partition heals without anyone being downed.
    private const string NodeHocon = """
        akka {
          loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
            applied-adapters = [trttl]
          }
          cluster {
            split-brain-resolver.stable-after = 60s
            failure-detector {
              heartbeat-interval = 500ms
              acceptable-heartbeat-pause = 2s
              threshold = 8.0
            }
            distributed-data.notify-subscribers-interval = 100ms
            distributed-data.durable.keys = []
          }
          test.single-expect-default = 15s
        }
        """;

    private readonly List<ActorSystem> others = [];

    protected MeshSpec() : base(NodeConfig, "mesh")
    {
        Nodes.Add(Sys);
    }

    public static Config NodeConfig { get; } = ConfigurationFactory.ParseString(NodeHocon).WithFallback(MeshSerialization.Config);

    protected List<ActorSystem> Nodes { get; } = [];

    protected Dictionary<ActorSystem, IActorRef> PresenceOf { get; } = [];

    /// <summary>Starts <paramref name="count"/> nodes (node 0 included), each with presence, and waits until all are Up.</summary>
    protected void StartMesh(int count)
    {
        for (var i = 1; i < count; i++)
        {
            var system = ActorSystem.Create("mesh", NodeConfig);
            others.Add(system);
            Nodes.Add(system);
        }

        foreach (var node in Nodes)
        {
            PresenceOf[node] = node.ActorOf(PresenceActor.Props(peerListLimit: 1000), "presence");
            Cluster.Get(node).Join(Cluster.Get(Sys).SelfAddress);
        }

        AwaitAssert(() =>
        {
            foreach (var node in Nodes)
            {
                var state = Cluster.Get(node).State;
                Assert.Equal(count, state.Members.Count(m => m.Status == MemberStatus.Up));
                Assert.Empty(state.Unreachable);
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Blackholes every link between <paramref name="island"/> and the other nodes, or restores them.</summary>
    protected void SetLinks(IReadOnlyCollection<ActorSystem> island, bool cut) => Links.Set(island, Nodes.Except(island), cut);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Task.WaitAll([.. others.Select(o => o.Terminate())], TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }
}
