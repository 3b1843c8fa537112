// Real mesh-node processes on a LAN of network namespaces find each other by mDNS with no config.
using System.Net;
using Mesh.Node.Tests.Contracts;

namespace Mesh.Node.Tests.Discovery;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkNamespaceCollection
{
    public const string Name = "network namespaces";
}

[Collection(NetworkNamespaceCollection.Name)]
public sealed class LocalDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);

    /// <summary>The protocol's bound; the 1 s goal is P6, measured by bench/p6-discovery.sh (docs/benchmarks.md).</summary>
    private static readonly TimeSpan ProtocolBound = TimeSpan.FromSeconds(5);

    private readonly string _data = Directory.CreateTempSubdirectory("mesh-discovery-").FullName;
    private readonly List<IDisposable> _owned = [];

    private NetworkLab Lab(int hosts) => Own(new NetworkLab(hosts));

    private MeshNodeProcess StartNode(LabHost host, string meshHocon = "", params string[] flags) =>
        Own(MeshNodeProcess.Start(host, Path.Combine(_data, host.Namespace), meshHocon, flags));

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan within, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(explain());
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Each_of_three_nodes_lists_the_other_two_as_local_servers()
    {
        var lab = Lab(3);
        var nodes = lab.Hosts.Select(h => StartNode(h)).ToList();
        foreach (var node in nodes) await node.WaitUntilReadyAsync(Ready);

        foreach (var node in nodes)
        {
            var others = nodes.Where(n => n != node).Select(n => n.Endpoint).Order().ToList();
            await Eventually(async () => (await node.LocalServerEndpointsAsync()).Order().SequenceEqual(others), ProtocolBound,
                () => $"{node.Endpoint} lists {string.Join(", ", node.LocalServerEndpointsAsync().Result)}; log:\n{node.Log}");
        }
    }

    [Fact]
    public async Task Three_nodes_with_no_seed_that_see_each_other_form_one_cluster()
    {
        var lab = Lab(3);
        var nodes = lab.Hosts.Select(h => StartNode(h, "discovery.probe-interval = 1s")).ToList();
        foreach (var node in nodes) await node.WaitUntilReadyAsync(Ready);

        foreach (var node in nodes)
        {
            await Eventually(async () => await node.UpMembersAsync() == 3, TimeSpan.FromSeconds(60),
                () => $"{node.Endpoint} sees {node.UpMembersAsync().Result} members up; log:\n{node.Log}");
        }
    }

    [Fact]
    public async Task A_cluster_of_two_that_sees_a_node_with_a_lower_address_moves_into_its_cluster()
    {
        var lab = Lab(3);
        // Hosts get rising addresses: the last two form a cluster of their own before the first starts.
        var (second, third) = (StartNode(lab.Hosts[1], "discovery.probe-interval = 1s"), StartNode(lab.Hosts[2], "discovery.probe-interval = 1s"));
        await second.WaitUntilReadyAsync(Ready);
        await third.WaitUntilReadyAsync(Ready);
        await Eventually(async () => await second.UpMembersAsync() == 2, TimeSpan.FromSeconds(60), () => second.Log);

        var first = StartNode(lab.Hosts[0], "discovery.probe-interval = 1s");
        await first.WaitUntilReadyAsync(Ready);

        foreach (var node in new[] { first, second, third })
        {
            await Eventually(async () => await node.UpMembersAsync() == 3, TimeSpan.FromSeconds(60),
                () => $"{node.Endpoint} sees {node.UpMembersAsync().Result} members up; log:\n{node.Log}");
        }
    }

    [Fact]
    public async Task A_node_that_is_claimed_is_announced_again_under_its_owners_callsign()
    {
        var lab = Lab(2);
        var (a, b) = (StartNode(lab.Hosts[0]), StartNode(lab.Hosts[1]));
        await a.WaitUntilReadyAsync(Ready);
        await b.WaitUntilReadyAsync(Ready);
        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(b.Endpoint), ProtocolBound, () => a.Log);
        // Seeing each other, the two nodes form one cluster, and one of them re-forms to do so: claim after that, not during it.
        await Eventually(async () => await b.UpMembersAsync() == 2, TimeSpan.FromSeconds(60), () => b.Log);

        await Infrastructure.NodeOwner.ClaimAsync(lab.Hosts[1].HttpClient(), new Uri(b.Endpoint), "K1OWN");

        await Eventually(async () => (await a.LocalServerCallsignsAsync()).Contains("K1OWN"), ProtocolBound,
            () => $"{a.Endpoint} lists {string.Join(", ", a.LocalServerCallsignsAsync().Result)}; log:\n{a.Log}");
    }

    [Fact]
    public async Task A_discovered_peer_is_confirmed_and_carries_its_akka_address()
    {
        var lab = Lab(2);
        // A first probe may fail on a loaded machine (the peer still starting); the next one comes a second later.
        const string probeOften = "discovery.probe-interval = 1s";
        var (a, b) = (StartNode(lab.Hosts[0], probeOften), StartNode(lab.Hosts[1], probeOften));
        await a.WaitUntilReadyAsync(Ready);
        await b.WaitUntilReadyAsync(Ready);

        await Eventually(async () => (await a.PeersAsync()).Any(p => p.GetProperty("confirmed").GetBoolean()), TimeSpan.FromSeconds(15), () => a.Log);

        var peer = Assert.Single(await a.PeersAsync());
        Assert.Equal(b.Endpoint, peer.GetProperty("endpoint").GetString());
        Assert.Equal("mdns", peer.GetProperty("discoveryMethod").GetString());
        Assert.Equal("akka.tcp://mesh@10.77.0.2:4053", peer.GetProperty("akkaAddress").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, peer.GetProperty("lastContact").ValueKind);
    }

    [Fact]
    public async Task Api_info_names_the_Akka_address_so_a_peer_added_by_hand_can_be_joined()
    {
        var lab = Lab(1);
        var node = StartNode(lab.Hosts[0], "", "--no-mdns");
        await node.WaitUntilReadyAsync(Ready);

        using var info = await node.GetAsync("/api/info");

        var body = System.Text.Json.JsonDocument.Parse(await ContractSchemas.Instance.AssertHttpResponseAsync(info)).RootElement;
        Assert.Equal("akka.tcp://mesh@10.77.0.1:4053", body.GetProperty("akkaAddress").GetString());
    }

    [Fact]
    public async Task A_node_that_stops_in_order_is_removed_at_once_by_its_goodbye()
    {
        var lab = Lab(2);
        // Long TTL and rare probes: only the goodbye can remove the peer within the test.
        const string slowToForget = "mdns.ttl = 1h\ndiscovery.probe-interval = 1h";
        var (a, b) = (StartNode(lab.Hosts[0], slowToForget), StartNode(lab.Hosts[1], slowToForget));
        await a.WaitUntilReadyAsync(Ready);
        await b.WaitUntilReadyAsync(Ready);
        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(b.Endpoint), ProtocolBound, () => a.Log);

        b.Stop();

        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Count == 0, TimeSpan.FromSeconds(2), () => $"still listed; log:\n{a.Log}");
        Assert.Contains("said goodbye", a.Log);
    }

    [Fact]
    public async Task A_killed_node_goes_away_when_its_TTL_passes()
    {
        var lab = Lab(2);
        // Probes too rare to matter: the record's TTL is what must remove the dead node.
        const string shortTtl = "mdns.ttl = 3s\ndiscovery.probe-interval = 1h";
        var (a, b) = (StartNode(lab.Hosts[0], shortTtl), StartNode(lab.Hosts[1], shortTtl));
        await a.WaitUntilReadyAsync(Ready);
        await b.WaitUntilReadyAsync(Ready);
        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(b.Endpoint), ProtocolBound, () => a.Log);

        b.Kill();

        Assert.Contains(b.Endpoint, await a.LocalServerEndpointsAsync());
        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Count == 0, TimeSpan.FromSeconds(8), () => $"still listed; log:\n{a.Log}");
        Assert.Contains("ttl-expired", a.Log);
    }

    [Fact]
    public async Task A_node_started_on_port_0_announces_the_port_it_was_given()
    {
        var lab = Lab(2);
        var a = StartNode(lab.Hosts[0]);
        var anyPort = Own(MeshNodeProcess.Start(lab.Hosts[1], Path.Combine(_data, lab.Hosts[1].Namespace), port: 0));
        foreach (var node in new[] { a, anyPort }) await node.WaitUntilReadyAsync(Ready);

        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(anyPort.Endpoint), ProtocolBound,
            () => $"{a.Endpoint} lists {string.Join(", ", a.LocalServerEndpointsAsync().Result)}, not {anyPort.Endpoint}; log:\n{anyPort.Log}");
        Assert.NotEqual(0, anyPort.Port);
    }

    [Fact]
    public async Task A_node_started_with_no_mdns_neither_announces_nor_browses()
    {
        var lab = Lab(3);
        var (a, quiet, c) = (StartNode(lab.Hosts[0]), StartNode(lab.Hosts[1], "", "--no-mdns"), StartNode(lab.Hosts[2]));
        foreach (var node in new[] { a, quiet, c }) await node.WaitUntilReadyAsync(Ready);

        // c shows that the LAN carries mDNS; by then quiet would have been seen too.
        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(c.Endpoint), ProtocolBound, () => a.Log);

        Assert.DoesNotContain(quiet.Endpoint, await a.LocalServerEndpointsAsync());
        Assert.Empty(await quiet.LocalServerEndpointsAsync());
    }

    [Fact]
    public async Task A_node_told_to_use_another_interface_stays_off_this_LAN()
    {
        var lab = Lab(3);
        var (a, onLan, elsewhere) = (StartNode(lab.Hosts[0]), StartNode(lab.Hosts[1], "", "--interface", "eth0"), StartNode(lab.Hosts[2], "", "--interface", "wlan9"));
        foreach (var node in new[] { a, onLan, elsewhere }) await node.WaitUntilReadyAsync(Ready);

        await Eventually(async () => (await a.LocalServerEndpointsAsync()).Contains(onLan.Endpoint), ProtocolBound, () => a.Log);

        Assert.DoesNotContain(elsewhere.Endpoint, await a.LocalServerEndpointsAsync());
        Assert.Contains("no usable IPv4 interface named wlan9", elsewhere.Log);
    }

    [Fact]
    public async Task Adding_a_peer_by_hand_needs_the_owners_token()
    {
        var lab = Lab(2);
        var (a, b) = (StartNode(lab.Hosts[0], "", "--no-mdns"), StartNode(lab.Hosts[1], "", "--no-mdns"));
        await a.WaitUntilReadyAsync(Ready);

        using var anonymous = await a.PostAsync("/api/peers", new { endpoint = b.Endpoint });
        using var wrongToken = await a.PostAsync("/api/peers", new { endpoint = b.Endpoint }, bearer: "not-the-owners-token");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        await ContractSchemas.Instance.AssertHttpResponseAsync(anonymous);
        await ContractSchemas.Instance.AssertHttpResponseAsync(wrongToken);
        Assert.Empty(await a.PeersAsync());
    }

    [Fact]
    public async Task Malformed_packets_absurd_TTLs_and_huge_TXT_records_do_no_harm()
    {
        var lab = Lab(3);
        var (a, b) = (StartNode(lab.Hosts[0]), StartNode(lab.Hosts[1]));
        await a.WaitUntilReadyAsync(Ready);
        await b.WaitUntilReadyAsync(Ready);
        using var attacker = lab.Hosts[2].UdpSocket();
        var target = new IPEndPoint(a.Host.Address, 5353);

        foreach (var packet in HostilePackets.All())
            attacker.SendTo(packet, target);

        await Eventually(async () => (await a.LocalServerEndpointsAsync()).SequenceEqual([b.Endpoint]), ProtocolBound,
            () => $"{a.Endpoint} lists {string.Join(", ", a.LocalServerEndpointsAsync().Result)}; log:\n{a.Log}");
        var peers = await a.PeersAsync();
        Assert.Equal([b.Endpoint], peers.Select(p => p.GetProperty("endpoint").GetString()));
        Assert.True((await a.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
