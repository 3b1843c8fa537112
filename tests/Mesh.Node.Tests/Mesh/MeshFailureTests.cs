using System.Net.WebSockets;
using Mesh.Node.Tests.Infrastructure;
using static Mesh.Node.Tests.Mesh.MeshSteps;

namespace Mesh.Node.Tests.Mesh;

/// <summary>Nodes of a three-process cluster killed, restarted and frozen; each test has its own cluster.</summary>
[Collection(MeshProcesses.Collection)]
public sealed class MeshFailureTests
{
    [Fact]
    public async Task A_killed_node_leaves_the_peer_lists_and_rejoins_after_a_restart()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var alice = await SignalClient.RegisterAsync(mesh[0].SignalUri);
        var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri);
        await ExpectPeerJoinedAsync(alice, bob.ClientId!);

        mesh[2].Kill();
        await ExpectPeerLeftAsync(alice, bob.ClientId!, TimeSpan.FromSeconds(15));
        await bob.DisposeAsync();
        await mesh.RestartAsync(2);
        var view = await mesh.WaitUntilAllUpAsync(3, TimeSpan.FromSeconds(40));
        await using var bobAgain = await SignalClient.RegisterAsync(mesh[2].SignalUri);

        await ExpectPeerJoinedAsync(alice, bobAgain.ClientId!);
        Assert.Contains(mesh.AddressOf(2), view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()));
        await alice.SendAsync(new { type = "LIST_PEERS" });
        Assert.Equal([bobAgain.ClientId!], Ids((await alice.ExpectAsync("PEERS"))["peers"]!));
    }

    [Fact]
    public async Task A_downed_node_keeps_its_process_closes_browsers_with_1012_re_forms_and_rejoins()
    {
        await using var mesh = await MeshNodes.StartAsync(3);
        await using var bob = await SignalClient.RegisterAsync(mesh[2].SignalUri);

        // Frozen past the resolver's stable-after, node 3 is downed by the majority.
        mesh[2].Freeze();
        await WaitUntilAsync(async () => !(await MemberAddressesAsync(mesh[0])).Contains(mesh.AddressOf(2)), TimeSpan.FromSeconds(40));
        mesh[2].Thaw();

        await bob.WaitUntilClosedAsync(TimeSpan.FromSeconds(40));
        Assert.Equal((WebSocketCloseStatus)1012, bob.CloseStatus);
        Assert.Equal("node re-forming", bob.CloseStatusDescription);
        await mesh.WaitUntilAllUpAsync(3, TimeSpan.FromSeconds(40));
        await mesh[2].WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        await using var bobAgain = await SignalClient.RegisterAsync(mesh[2].SignalUri);
        Assert.False(mesh[2].HasExited);
        Assert.Contains("re-forming", mesh[2].Output);

        mesh[2].Terminate();
        Assert.Equal(0, await mesh[2].WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }
}
