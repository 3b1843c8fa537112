using Xunit;
using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Mesh;

namespace Mesh.Actors.Tests.Mesh;

/// <summary>The joining policy between two lone nodes that discovery introduces to each other.</summary>
public sealed class ClusterJoinSpecs() : Akka.TestKit.Xunit2.TestKit(MeshSpec.NodeConfig, "mesh")
{
    private sealed record Sighting(string? AkkaAddress) : IClusterPeerSighting;

    [Fact]
    public async Task Of_two_lone_nodes_the_one_with_the_higher_address_gives_up_its_cluster_and_its_next_incarnation_joins_the_other()
    {
        var first = ActorSystem.Create("mesh", MeshSpec.NodeConfig);
        var second = ActorSystem.Create("mesh", MeshSpec.NodeConfig);
        var firstHints = new ClusterJoinHints();
        var secondHints = new ClusterJoinHints();
        first.ActorOf(ClusterJoinActor.Props(firstHints, TimeSpan.Zero), "cluster-join");
        second.ActorOf(ClusterJoinActor.Props(secondHints, TimeSpan.Zero), "cluster-join");
        await AwaitConditionAsync(() => Task.FromResult(IsAloneAndUp(first) && IsAloneAndUp(second)), TimeSpan.FromSeconds(15));
        var (lower, higher, higherHints) = Member.AddressOrdering.Compare(Cluster.Get(first).SelfAddress, Cluster.Get(second).SelfAddress) < 0
            ? (first, second, secondHints)
            : (second, first, firstHints);

        lower.EventStream.Publish(new Sighting(Address(higher)));
        higher.EventStream.Publish(new Sighting(Address(lower)));

        await higher.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(lower.WhenTerminated.IsCompleted);
        var nextIncarnation = ActorSystem.Create("mesh", MeshSpec.NodeConfig);
        try
        {
            nextIncarnation.ActorOf(ClusterJoinActor.Props(higherHints, TimeSpan.FromMinutes(1)), "cluster-join");
            await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(lower).State.Members.Count(m => m.Status == MemberStatus.Up) == 2), TimeSpan.FromSeconds(20));
            Assert.Contains(Cluster.Get(nextIncarnation).SelfAddress, Cluster.Get(lower).State.Members.Select(m => m.Address));
        }
        finally
        {
            await Task.WhenAll(nextIncarnation.Terminate(), first.Terminate(), second.Terminate()).WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static bool IsAloneAndUp(ActorSystem system) =>
        Cluster.Get(system).State.Members is { Count: 1 } members && members.First().Status == MemberStatus.Up;

    private static string Address(ActorSystem system) => Cluster.Get(system).SelfAddress.ToString();
}
