// A small LAN made of network namespaces: hosts with one veth each on a bridge that lives in a namespace
// of its own, addresses 10.77.0.x only inside them. Nothing here touches the machine's own interfaces.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Discovery;

public sealed class NetworkLab : IDisposable
{
    private static int _labs;
    private readonly string _prefix = $"md{Environment.ProcessId % 10000}x{Interlocked.Increment(ref _labs)}";
    private readonly List<LabHost> _hosts = [];

    private string Bridge => $"{_prefix}-br";

    public NetworkLab(int hosts)
    {
        Ip($"netns add {Bridge}");
        Ip($"-n {Bridge} link add br0 type bridge");
        Ip($"-n {Bridge} link set br0 up");
        for (var i = 1; i <= hosts; i++)
            _hosts.Add(AddHost(i));
    }

    public IReadOnlyList<LabHost> Hosts => _hosts;

    private LabHost AddHost(int number)
    {
        var ns = $"{_prefix}-h{number}";
        var hostEnd = $"{_prefix}h{number}";
        var bridgeEnd = $"{_prefix}b{number}";
        var address = IPAddress.Parse($"10.77.0.{number}");
        Ip($"netns add {ns}");
        Ip($"link add {hostEnd} type veth peer name {bridgeEnd} netns {Bridge}");
        Ip($"-n {Bridge} link set {bridgeEnd} master br0");
        Ip($"-n {Bridge} link set {bridgeEnd} up");
        Ip($"link set {hostEnd} netns {ns}");
        Ip($"-n {ns} link set {hostEnd} name eth0");
        Ip($"-n {ns} addr add {address}/24 dev eth0");
        Ip($"-n {ns} link set eth0 up");
        Ip($"-n {ns} link set lo up");
        // Joining a multicast group without naming an interface needs a route for the group; a LAN
        // has a default route for that, our isolated hosts get just the multicast one.
        Ip($"-n {ns} route add 224.0.0.0/4 dev eth0");
        return new LabHost(ns, address);
    }

    /// <summary>Pulls host <paramref name="number"/>'s cable out of the bridge, or plugs it back in (1-based, like its address).</summary>
    public void SetConnected(int number, bool connected) =>
        Ip($"-n {Bridge} link set {_prefix}b{number} {(connected ? "up" : "down")}");

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
            // Whatever a test left running in the namespace was started by this lab.
            foreach (var pid in Run("ip", $"netns pids {host.Namespace}", check: false).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                KillIfAlive(int.Parse(pid));
            Run("ip", $"netns del {host.Namespace}", check: false);
        }
        Run("ip", $"netns del {Bridge}", check: false);
    }

    private static void KillIfAlive(int pid)
    {
        try
        {
            Signals.Send(pid, Signals.KillNow);
        }
        catch (InvalidOperationException)
        {
            // It ended between the listing and the signal.
        }
    }

    private static void Ip(string arguments) => Run("ip", arguments, check: true);

    public static string Run(string file, string arguments, bool check)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"'{file} {arguments}' failed ({process.ExitCode}): {error.Trim()} — these tests need root and iproute2");
        return output;
    }
}

/// <summary>One host of the lab: its namespace, its address, and sockets made inside it.</summary>
public sealed class LabHost(string ns, IPAddress address) : IDisposable
{
    private NamespaceSockets? _sockets;

    public string Namespace { get; } = ns;

    public IPAddress Address { get; } = address;

    private NamespaceSockets Sockets => _sockets ??= new NamespaceSockets(Namespace);

    /// <summary>An HttpClient whose connections start from this host, so it reaches the lab's addresses.</summary>
    public HttpClient HttpClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancel) =>
        {
            var socket = Sockets.Create(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public Socket UdpSocket() => Sockets.Create(SocketType.Dgram, ProtocolType.Udp);

    public void Dispose() => _sockets?.Dispose();
}

/// <summary>
/// A socket belongs to the network namespace of the thread that made it, so one dedicated thread
/// enters the namespace (setns) and makes sockets for everyone; they work from any thread afterwards.
/// </summary>
internal sealed partial class NamespaceSockets : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<(SocketType Type, ProtocolType Protocol, TaskCompletionSource<Socket> Made)> _requests = new();

    public NamespaceSockets(string ns)
    {
        var entered = new TaskCompletionSource();
        new Thread(() =>
        {
            using (var handle = File.OpenHandle($"/var/run/netns/{ns}"))
            {
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    entered.SetException(new InvalidOperationException($"setns into {ns} failed: errno {Marshal.GetLastPInvokeError()}"));
                    return;
                }
            }
            entered.SetResult();
            foreach (var (type, protocol, made) in _requests.GetConsumingEnumerable())
            {
                try
                {
                    made.SetResult(new Socket(AddressFamily.InterNetwork, type, protocol));
                }
                catch (SocketException e)
                {
                    made.SetException(e);
                }
            }
        }) { IsBackground = true, Name = $"netns {ns}" }.Start();
        entered.Task.GetAwaiter().GetResult();
    }

    public Socket Create(SocketType type, ProtocolType protocol)
    {
        var made = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((type, protocol, made));
        return made.Task.GetAwaiter().GetResult();
    }

    public void Dispose() => _requests.CompleteAdding();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
