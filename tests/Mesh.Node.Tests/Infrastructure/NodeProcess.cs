using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>A real mesh-node process on 127.0.0.1 with its own data directory, killed on dispose.</summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<int> httpPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? akkaAddress;

    private NodeProcess(Process process, string dataDirectory, int opsPort)
    {
        this.process = process;
        DataDirectory = dataDirectory;
        OpsPort = opsPort;
    }

    public string DataDirectory { get; }

    public int Port { get; private set; }

    /// <summary>The loopback ops port meshctl talks to; 0 when the node was started without one.</summary>
    public int OpsPort { get; private init; }

    /// <summary>The Akka address of the node's current actor system, as its log announced it last.</summary>
    public string AkkaAddress
    {
        get
        {
            lock (output) return akkaAddress ?? throw new InvalidOperationException("the actor system has not started");
        }
    }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public Uri SignalUri => new($"ws://127.0.0.1:{Port}/ws/signal");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int ProcessId => process.Id;

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    /// <param name="hocon">extra HOCON written to a config file, e.g. lower limits for a test</param>
    /// <param name="extraArgs">more flags</param>
    /// <param name="dataDirectory">reuse a data directory (restart tests); a fresh temp one otherwise</param>
    /// <param name="withOps">open the ops endpoint on a free loopback port (<see cref="OpsPort"/>); off otherwise</param>
    /// <param name="waitUntilReady">false for a node that is not expected to become ready (e.g. its seed is absent)</param>
    public static async Task<NodeProcess> StartAsync(
        string? hocon = null, IEnumerable<string>? extraArgs = null, string? dataDirectory = null, bool withOps = false, bool waitUntilReady = true)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("mesh-node-test-").FullName;
        var opsPort = withOps ? FreeLoopbackPort() : 0;
        var args = new List<string>
        {
            NodeAssembly(), "--port", "0", "--bind", "127.0.0.1", "--akka-port", "0", "--ops-port", opsPort.ToString(),
            "--host", "127.0.0.1", "--data-dir", dataDirectory, "--no-mdns",
        };
        if (hocon is not null)
        {
            var configFile = Path.Combine(dataDirectory, "test.hocon");
            await File.WriteAllTextAsync(configFile, hocon);
            args.AddRange(["--config", configFile]);
        }

        args.AddRange(extraArgs ?? []);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(process, dataDirectory, opsPort);
        process.OutputDataReceived += (_, line) => node.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => node.OnOutput(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(_ => node.httpPort.TrySetException(
            new InvalidOperationException("mesh-node exited during start:\n" + node.Output)));

        node.Port = await node.httpPort.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (waitUntilReady) await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(BaseUri, "/readyz"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"mesh-node was not ready within {within}:\n{Output}");
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(new Uri(BaseUri, path));

    /// <summary>SIGTERM, as systemd or Ctrl+C would send.</summary>
    public void Terminate() => Signals.Send(process.Id, Signals.Terminate);

    /// <summary>SIGKILL: no shutdown at all, as a crash or power cut.</summary>
    public void Kill() => Signals.Send(process.Id, Signals.KillNow);

    /// <summary>SIGSTOP: the process stops answering anything, as a node behind a dead link would.</summary>
    public void Freeze() => Signals.Send(process.Id, Signals.Stop);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signals.Send(process.Id, Signals.Continue);

    public bool HasExited => process.HasExited;

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        await process.WaitForExitAsync().WaitAsync(within);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Http.Dispose();
    }

    private static string NodeAssembly() => RepositoryPaths.NodeAssembly;

    /// <summary>A port free right now; another process could take it before the node does, which is rare enough here.</summary>
    public static int FreeLoopbackPort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private void OnOutput(string? line)
    {
        if (line is null) return;
        lock (output)
        {
            output.AppendLine(line);
            var started = ActorSystemLine().Match(line);
            if (started.Success) akkaAddress = started.Groups[1].Value;
        }

        var listening = ListeningLine().Match(line);
        if (listening.Success) httpPort.TrySetResult(int.Parse(listening.Groups[1].Value));
    }

    [GeneratedRegex(@"Actor system (akka\.tcp://\S+) started")]
    private static partial Regex ActorSystemLine();

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
