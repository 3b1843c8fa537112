// The real daemon as a child process on 127.0.0.1: what an operator runs, killable with SIGKILL.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Node.Tests.Certificates;

public sealed class MeshNodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private MeshNodeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Http { get; }

    /// <param name="hocon">extra HOCON for the node's config file, e.g. mesh.certificates keys.</param>
    public static async Task<MeshNodeProcess> StartAsync(string dataDirectory, string hocon = "")
    {
        Directory.CreateDirectory(dataDirectory);
        var config = Path.Combine(dataDirectory, "..", $"node-{Path.GetFileName(dataDirectory)}.hocon");
        File.WriteAllText(config, "akka.remote.dot-netty.tcp.hostname = \"127.0.0.1\"\n" + hocon);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "mesh-node.dll"), "--config", config, "--port", port.ToString(), "--bind", "127.0.0.1",
                     "--akka-port", "0", "--ops-port", "0", "--host", "127.0.0.1", "--no-mdns", "--data-dir", dataDirectory,
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new MeshNodeProcess(process, port);
        await node.WaitUntilReadyAsync();
        return node;
    }

    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as systemd stops the daemon, and wait for it to exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(wait.Token);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mesh-node exited with {_process.ExitCode} before it was ready");
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    using var status = await Http.GetAsync("/api/status");
                    if (status.IsSuccessStatusCode)
                        return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("mesh-node was not ready within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
