using System.Text.Json;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Ops;

/// <summary>meshctl's cluster operations on real two-node clusters.</summary>
public sealed class ClusterOperationsTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Join_brings_a_lone_node_into_another_nodes_cluster()
    {
        await using var first = await NodeProcess.StartAsync(withOps: true);
        await using var second = await NodeProcess.StartAsync(withOps: true);

        var join = await MeshCtlProcess.RunAsync(second, "--json", "cluster", "join", first.AkkaAddress);

        Assert.Equal(0, join.ExitCode);
        Assert.Equal("reforming", join.Json.GetProperty("action").GetString());
        var members = await WaitForMembersAsync(first, m => m.Count == 2 && m.All(x => x.Status == "up"));
        Assert.Contains(members, m => m.Address == second.AkkaAddress);
    }

    [Fact]
    public async Task Leave_removes_the_other_node_and_tail_shows_it()
    {
        await using var seed = await NodeProcess.StartAsync(withOps: true);
        await using var other = await NodeProcess.StartAsync(withOps: true, extraArgs: ["--seed", seed.AkkaAddress]);
        await WaitForMembersAsync(seed, m => m.Count == 2 && m.All(x => x.Status == "up"));
        var leaving = other.AkkaAddress;
        await using var tail = MeshCtlProcess.Start(seed, "--json", "cluster", "tail");
        await tail.WaitForLineAsync(line => line.Contains("\"MemberUp\"") && line.Contains(leaving), Settle);

        var leave = await MeshCtlProcess.RunAsync(seed, "cluster", "leave", leaving);

        Assert.Equal(0, leave.ExitCode);
        Assert.Equal($"leaving {leaving}", leave.Output.Trim());
        await tail.WaitForLineAsync(line => line.Contains("\"MemberRemoved\"") && line.Contains(leaving), Settle);
        Assert.Contains(tail.Seen, line => line.Contains("\"MemberLeft\"") && line.Contains(leaving));
    }

    [Fact]
    public async Task Down_removes_the_other_node_which_re_forms_and_rejoins_through_its_seed()
    {
        await using var seed = await NodeProcess.StartAsync(withOps: true);
        await using var other = await NodeProcess.StartAsync(withOps: true, extraArgs: ["--seed", seed.AkkaAddress]);
        await WaitForMembersAsync(seed, m => m.Count == 2 && m.All(x => x.Status == "up"));
        var downed = other.AkkaAddress;
        await using var tail = MeshCtlProcess.Start(seed, "--json", "cluster", "tail");
        await tail.WaitForLineAsync(line => line.Contains("\"MemberUp\"") && line.Contains(downed), Settle);

        var down = await MeshCtlProcess.RunAsync(seed, "cluster", "down", downed);

        Assert.Equal(0, down.ExitCode);
        await tail.WaitForLineAsync(line => line.Contains("\"MemberRemoved\"") && line.Contains(downed), Settle);
        // The downed node's daemon lives on: a new actor system joins the seed again.
        await WaitForMembersAsync(seed, m => m.Count == 2 && m.All(x => x.Status == "up"));
    }

    [Fact]
    public async Task Down_unreachable_downs_a_killed_node()
    {
        await using var seed = await NodeProcess.StartAsync(withOps: true);
        await using var other = await NodeProcess.StartAsync(withOps: true, extraArgs: ["--seed", seed.AkkaAddress]);
        await WaitForMembersAsync(seed, m => m.Count == 2 && m.All(x => x.Status == "up"));
        var killed = other.AkkaAddress;
        other.Kill();
        await WaitForMembersAsync(seed, m => m.Any(x => x.Address == killed && !x.Reachable));

        var down = await MeshCtlProcess.RunAsync(seed, "--json", "cluster", "down-unreachable");

        Assert.Equal(0, down.ExitCode);
        Assert.Equal([killed], down.Json.GetProperty("downed").EnumerateArray().Select(a => a.GetString()));
        var members = await WaitForMembersAsync(seed, m => m.Count == 1);
        Assert.Equal(seed.AkkaAddress, members[0].Address);
    }

    private sealed record Member(string Address, string Status, bool Reachable);

    /// <summary>Polls meshctl cluster show until the members match; returns them.</summary>
    private static async Task<List<Member>> WaitForMembersAsync(NodeProcess node, Func<List<Member>, bool> expected)
    {
        var deadline = DateTime.UtcNow + Settle;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var show = await MeshCtlProcess.RunAsync(node, "--json", "cluster", "show");
            last = show.Output + show.Error;
            if (show.ExitCode == 0)
            {
                var unreachable = show.Json.GetProperty("unreachable").EnumerateArray().Select(a => a.GetString()).ToHashSet();
                var members = show.Json.GetProperty("members").EnumerateArray()
                    .Select(m => (Address: m.GetProperty("address").GetString()!, Status: m.GetProperty("status").GetString()!))
                    .Select(m => new Member(m.Address, m.Status, !unreachable.Contains(m.Address)))
                    .ToList();
                if (expected(members)) return members;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the cluster did not reach the expected members within {Settle}; last: {last}\n{node.Output}");
    }
}
