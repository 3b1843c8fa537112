using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>What one meshctl run printed and how it exited.</summary>
public sealed record MeshCtlResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;
}

/// <summary>meshctl run as a real process, as an operator would run it.</summary>
public sealed class MeshCtlProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();

    private MeshCtlProcess(Process process) => this.process = process;

    public static string Assembly { get; } = Path.Combine(AppContext.BaseDirectory, "meshctl.dll");

    /// <summary>Runs meshctl to completion against the node's ops port.</summary>
    public static Task<MeshCtlResult> RunAsync(NodeProcess node, params string[] args) => RunAsync(["--port", node.OpsPort.ToString(), .. args]);

    public static async Task<MeshCtlResult> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new MeshCtlResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts a streaming command (cluster tail); lines are read with <see cref="WaitForLineAsync"/>.</summary>
    public static MeshCtlProcess Start(NodeProcess node, params string[] args)
    {
        var process = Process.Start(StartInfo(["--port", node.OpsPort.ToString(), .. args])) ?? throw new InvalidOperationException("dotnet did not start");
        var tail = new MeshCtlProcess(process);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) tail.lines.Writer.TryComplete();
            else tail.lines.Writer.TryWrite(line.Data);
        };
        process.BeginOutputReadLine();
        return tail;
    }

    public List<string> Seen { get; } = [];

    /// <summary>The first line from now on that matches; lines before it are kept in <see cref="Seen"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var line = await lines.Reader.ReadAsync(timeout.Token);
                Seen.Add(line);
                if (match(line)) return line;
            }
        }
        catch (Exception error) when (error is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"no matching line within {within}; meshctl printed:\n{string.Join("\n", Seen)}");
        }
    }

    /// <summary>SIGINT, as Ctrl+C; returns the exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        Signals.Send(process.Id, Signals.Interrupt);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
