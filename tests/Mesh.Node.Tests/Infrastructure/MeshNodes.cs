using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>Several mesh-node processes in one cluster on 127.0.0.1: node 0 is the seed of all.</summary>
public sealed class MeshNodes : IAsyncDisposable
{
    private readonly List<NodeProcess?> nodes = [];
    private readonly List<int> akkaPorts = [];

    private MeshNodes(int seedPort) => SeedAddress = AkkaAddress(seedPort);

    public string SeedAddress { get; }

    public NodeProcess this[int index] => nodes[index] ?? throw new InvalidOperationException($"node {index} is not running");

    public int Count => nodes.Count;

    public static async Task<MeshNodes> StartAsync(int count)
    {
        var ports = Enumerable.Range(0, count).Select(_ => FreePort()).ToList();
        var mesh = new MeshNodes(ports[0]);
        mesh.akkaPorts.AddRange(ports);
        mesh.nodes.AddRange(new NodeProcess?[count]);
        try
        {
            mesh.nodes[0] = await mesh.StartNodeAsync(0, dataDirectory: null);
            var rest = await Task.WhenAll(Enumerable.Range(1, count - 1).Select(i => mesh.StartNodeAsync(i, dataDirectory: null)));
            for (var i = 1; i < count; i++) mesh.nodes[i] = rest[i - 1];
            await mesh.WaitUntilAllUpAsync(count, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }

        return mesh;
    }

    public string AddressOf(int index) => AkkaAddress(akkaPorts[index]);

    /// <summary>Starts node <paramref name="index"/> again on its Akka port and data directory (after a kill).</summary>
    public async Task RestartAsync(int index)
    {
        var dataDirectory = this[index].DataDirectory;
        await this[index].DisposeAsync();
        nodes[index] = null;
        nodes[index] = await StartNodeAsync(index, dataDirectory);
    }

    /// <summary>Waits until node 0 sees <paramref name="count"/> members Up and none unreachable.</summary>
    public async Task<JsonElement> WaitUntilAllUpAsync(int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        JsonElement view = default;
        while (DateTime.UtcNow < deadline)
        {
            view = await this[0].GetJsonAsync("/api/mesh");
            var up = view.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");
            if (up == count && view.GetProperty("unreachable").GetArrayLength() == 0) return view;
            await Task.Delay(200);
        }

        throw new TimeoutException($"the mesh did not reach {count} members up within {within}: {view}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes)
        {
            if (node is not null) await node.DisposeAsync();
        }
    }

    private Task<NodeProcess> StartNodeAsync(int index, string? dataDirectory) =>
        NodeProcess.StartAsync(extraArgs: ["--akka-port", akkaPorts[index].ToString(), "--seed", SeedAddress], dataDirectory: dataDirectory);

    private static string AkkaAddress(int port) => $"akka.tcp://mesh@127.0.0.1:{port}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
