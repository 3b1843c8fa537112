// Interop with avahi, an independent mDNS/DNS-SD implementation, in both directions.
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Node.Tests.Discovery;

[Collection(NetworkNamespaceCollection.Name)]
public sealed class AvahiInteropTests : IDisposable
{
    private const string AvahiStation = """
        <?xml version="1.0" standalone='no'?>
        <!DOCTYPE service-group SYSTEM "avahi-service.dtd">
        <service-group>
          <name>K2AVA</name>
          <service>
            <type>_hamesh._tcp</type>
            <port>8080</port>
            <txt-record>callsign=K2AVA</txt-record>
            <txt-record>version=avahi</txt-record>
            <txt-record>caps=signaling</txt-record>
            <txt-record>sig=/ws/signal</txt-record>
            <txt-record>id=avahi0001</txt-record>
          </service>
        </service-group>
        """;

    private readonly string _data = Directory.CreateTempSubdirectory("mesh-avahi-").FullName;
    private readonly NetworkLab _lab = new(2);
    private readonly MeshNodeProcess _node;
    private readonly AvahiHost _avahi;

    public AvahiInteropTests()
    {
        _node = MeshNodeProcess.Start(_lab.Hosts[0], Path.Combine(_data, "node"), "discovery.probe-interval = 1h");
        _avahi = new AvahiHost(_lab.Hosts[1], Path.Combine(_data, "avahi"), AvahiStation, "_hamesh._tcp", want: $"{_lab.Hosts[0].Address}");
    }

    [Fact]
    public async Task Avahi_resolves_our_instance_with_every_TXT_key()
    {
        await _node.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        using var status = await _node.GetAsync("/api/status");
        var nodeId = (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString()!;

        var resolved = Assert.Single(await _avahi.ResolvedAsync(TimeSpan.FromSeconds(30)), l => l.Contains($";{_node.Host.Address};"));

        var fields = resolved.Split(';');
        Assert.Equal($"unclaimed-{nodeId[..8]}", fields[3]);
        Assert.Equal("8080", fields[8]);
        var txt = fields[9].Split("\" \"").Select(s => s.Trim('"')).ToDictionary(s => s[..s.IndexOf('=')], s => s[(s.IndexOf('=') + 1)..]);
        Assert.Equal(["akka", "callsign", "caps", "id", "sig", "version"], txt.Keys.Order());
        Assert.Equal(nodeId, txt["id"]);
        Assert.Equal("akka.tcp://mesh@10.77.0.1:4053", txt["akka"]);
        Assert.Equal("/ws/signal", txt["sig"]);
        Assert.Equal("", txt["callsign"]);
    }

    [Fact]
    public async Task A_service_avahi_publishes_is_seen_by_our_node()
    {
        await _node.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        IReadOnlyList<JsonElement> peers;
        do
        {
            peers = await _node.PeersAsync();
            if (peers.Count > 0) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);

        var peer = Assert.Single(peers);
        Assert.Equal("K2AVA", peer.GetProperty("callsign").GetString());
        Assert.Equal("http://10.77.0.2:8080", peer.GetProperty("endpoint").GetString());
        Assert.Equal("mdns", peer.GetProperty("discoveryMethod").GetString());
        Assert.Equal(["signaling"], peer.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    public void Dispose()
    {
        _avahi.Dispose();
        _node.Dispose();
        _lab.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
