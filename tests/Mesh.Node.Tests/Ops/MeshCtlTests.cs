using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Ops;

/// <summary>meshctl as a real process against one real mesh-node's ops port.</summary>
public sealed class MeshCtlTests(OpsNodeFixture fixture) : IClassFixture<OpsNodeFixture>
{
    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private NodeProcess Node => fixture.Node;

    [Fact]
    public async Task Cluster_show_lists_the_node_as_up_and_as_leader_as_GET_api_mesh_does()
    {
        var text = await MeshCtlProcess.RunAsync(Node, "cluster", "show");
        var json = await MeshCtlProcess.RunAsync(Node, "--json", "cluster", "show");
        var mesh = await Node.GetJsonAsync("/api/mesh");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches($@"{Regex(Node.AkkaAddress)}\s+up\s+-\s+yes", text.Output);
        Assert.Equal(0, json.ExitCode);
        var member = Assert.Single(json.Json.GetProperty("members").EnumerateArray());
        Assert.Equal(Node.AkkaAddress, member.GetProperty("address").GetString());
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.Equal(Node.AkkaAddress, json.Json.GetProperty("leader").GetString());
        var seenOverHttp = Assert.Single(mesh.GetProperty("members").EnumerateArray());
        Assert.Equal(seenOverHttp.GetProperty("status").GetString(), member.GetProperty("status").GetString());
        Assert.Equal(mesh.GetProperty("self").GetString(), json.Json.GetProperty("self").GetString());
    }

    [Fact]
    public async Task Cluster_leader_prints_the_leaders_address()
    {
        var result = await MeshCtlProcess.RunAsync(Node, "cluster", "leader");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Node.AkkaAddress, result.Output.Trim());
    }

    [Fact]
    public async Task Signaling_show_counts_clients_and_names_the_top_talker()
    {
        await using var alice = await SignalClient.RegisterAsync(Node.SignalUri, "K1ABC");
        await using var bob = await SignalClient.RegisterAsync(Node.SignalUri, "W1AW");
        await alice.SendAsync(new { type = "OFFER", target = bob.ClientId, offer = new { type = "offer", sdp = Sdp } });
        await alice.SendAsync(new { type = "OFFER", target = bob.ClientId, offer = new { type = "offer", sdp = Sdp } });
        await bob.SendAsync(new { type = "ANSWER", target = alice.ClientId, answer = new { type = "answer", sdp = Sdp } });
        await alice.ExpectAsync("ANSWER_RECEIVED");

        var result = await MeshCtlProcess.RunAsync(Node, "--json", "signaling", "show");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Json.GetProperty("connected").GetInt32());
        Assert.Equal(2, result.Json.GetProperty("registered").GetInt32());
        var talkers = result.Json.GetProperty("topTalkers").EnumerateArray().ToList();
        Assert.Equal(alice.ClientId, talkers[0].GetProperty("clientId").GetString());
        Assert.Equal("K1ABC", talkers[0].GetProperty("callsign").GetString());
        Assert.Equal(2, talkers[0].GetProperty("relayed").GetInt64());
        Assert.Equal(1, talkers[1].GetProperty("relayed").GetInt64());
    }

    [Fact]
    public async Task A_feature_not_wired_on_this_node_answers_not_available_in_one_line()
    {
        var result = await MeshCtlProcess.RunAsync(Node, "content", "show");

        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(Lines(result.Error));
        Assert.Contains("not available on this node yet", line);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Peers_list_shows_a_peer_added_by_hand()
    {
        var token = await NodeOwner.ClaimAsync(Node);
        using var add = new HttpRequestMessage(HttpMethod.Post, new Uri(Node.BaseUri, "/api/peers")) { Content = JsonContent.Create(new { endpoint = "http://127.0.0.1:1", callsign = "W1AW" }) };
        add.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var added = await Node.Http.SendAsync(add);
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var result = await MeshCtlProcess.RunAsync(Node, "--json", "peers", "list");

        Assert.Equal(0, result.ExitCode);
        var peer = Assert.Single(result.Json.GetProperty("peers").EnumerateArray(), p => p.GetProperty("endpoint").GetString() == "http://127.0.0.1:1");
        Assert.Equal("manual", peer.GetProperty("discoveryMethod").GetString());
    }

    [Fact]
    public async Task Certificates_list_reads_the_trust_store()
    {
        var json = await MeshCtlProcess.RunAsync(Node, "--json", "certificates", "list");
        var text = await MeshCtlProcess.RunAsync(Node, "certificates", "list");
        var fromHttp = await Node.GetJsonAsync("/api/certificates");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(0, text.ExitCode);
        Assert.Equal(
            fromHttp.EnumerateArray().Select(c => c.GetProperty("fingerprint").GetString()).Order(),
            json.Json.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("fingerprint").GetString()).Order());
    }

    [Theory]
    [InlineData("cluster", "frobnicate")]
    [InlineData("weather", "show")]
    [InlineData("cluster", "down")]
    [InlineData("cluster", "show", "extra")]
    public async Task A_bad_command_exits_non_zero_with_one_clear_line(params string[] args)
    {
        var result = await MeshCtlProcess.RunAsync(Node, args);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.Error));
        Assert.StartsWith("meshctl: ", line);
    }

    [Fact]
    public async Task An_address_that_is_not_a_member_is_refused_by_the_node()
    {
        var notAddress = await MeshCtlProcess.RunAsync(Node, "cluster", "down", "not-an-address");
        var stranger = await MeshCtlProcess.RunAsync(Node, "cluster", "down", "akka.tcp://mesh@127.0.0.1:1");

        Assert.Equal(1, notAddress.ExitCode);
        Assert.Contains("INVALID_ADDRESS", Assert.Single(Lines(notAddress.Error)));
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("UNKNOWN_MEMBER", Assert.Single(Lines(stranger.Error)));
    }

    [Fact]
    public async Task A_node_that_is_not_there_is_reported_in_one_line()
    {
        var result = await MeshCtlProcess.RunAsync("--port", NodeProcess.FreeLoopbackPort().ToString(), "cluster", "show");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot reach the node's ops port", Assert.Single(Lines(result.Error)));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("cluster", "--help")]
    [InlineData("cluster", "join", "--help")]
    public async Task Help_is_printed_at_every_level(params string[] args)
    {
        var result = await MeshCtlProcess.RunAsync(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: meshctl", result.Output);
        Assert.Contains("--json", result.Output);
    }

    [Fact]
    public async Task Cluster_tail_streams_the_current_membership_and_stops_on_ctrl_c()
    {
        await using var tail = MeshCtlProcess.Start(Node, "--json", "cluster", "tail");

        var up = await tail.WaitForLineAsync(line => line.Contains("\"MemberUp\""), TimeSpan.FromSeconds(15));

        Assert.Contains(Node.AkkaAddress, up);
        Assert.Contains("\"status\":\"up\"", up);
        Assert.Equal(0, await tail.InterruptAsync());
    }

    [Fact]
    public async Task The_ops_port_listens_on_127_0_0_1_and_nowhere_else()
    {
        var port = Node.OpsPort;
        var listening = ListeningSockets("/proc/net/tcp").Concat(ListeningSockets("/proc/net/tcp6")).Where(s => s.Port == port).ToList();

        // 0100007F is 127.0.0.1 as /proc/net/tcp writes it (little-endian hex).
        Assert.Equal(["0100007F"], listening.Select(s => s.Address));
        await AssertRefusedAsync(IPAddress.Parse("127.0.0.2"), port);
        foreach (var address in NonLoopbackAddresses()) await AssertRefusedAsync(address, port);
        using var loopback = new TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, port);
    }

    [Fact]
    public async Task A_browser_request_to_the_ops_port_is_refused_as_not_json()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Node.OpsPort);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var reply = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("\"error\":\"BAD_REQUEST\"", reply);
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task AssertRefusedAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        var error = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>Listening TCP sockets from /proc/net/tcp(6): local address (hex) and port.</summary>
    private static IEnumerable<(string Address, int Port)> ListeningSockets(string table) =>
        File.ReadAllLines(table).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A")
            .Select(fields => fields[1].Split(':'))
            .Select(local => (local[0], Convert.ToInt32(local[1], 16)));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
