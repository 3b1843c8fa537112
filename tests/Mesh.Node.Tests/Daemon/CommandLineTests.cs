using System.Diagnostics;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Daemon;

/// <summary>mesh-node's flags and config errors, run as a real process.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_prints_every_flag_and_exits_zero()
    {
        var (exitCode, output) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var flag in new[] { "--config", "--port", "--akka-port", "--ops-port", "--host", "--seed", "--data-dir", "--cert-dir", "--no-mdns", "--interface", "--verbose", "--version" })
        {
            Assert.Contains(flag, output);
        }
    }

    [Fact]
    public async Task Version_prints_major_minor_patch_and_build_and_exits_zero()
    {
        var (exitCode, output) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^mesh-node \d+\.\d+\.\d+-[0-9A-Za-z.-]+\s*$", output);
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--port", "--port needs a value")]
    [InlineData("--port 70000", "--port")]
    [InlineData("--port eighty", "--port")]
    [InlineData("--akka-port -1", "--akka-port")]
    public async Task A_bad_flag_stops_start_up_with_one_line_naming_it(string arguments, string named)
    {
        var (exitCode, output) = await RunAsync(arguments.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, output);
        Assert.Single(output.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("mesh.signaling.max-mesage-bytes = 10", "mesh.signaling.max-mesage-bytes")]
    [InlineData("mesh.signaling.idle-timeout = forever", "mesh.signaling.idle-timeout")]
    [InlineData("mesh.http.port = 99999", "mesh.http.port")]
    [InlineData("mesh.log.format = xml", "mesh.log.format")]
    [InlineData("mesh { http { port = ", "mesh.http.port")]
    [InlineData("mesh { dta-dir = /tmp }", "mesh.dta-dir")]
    public async Task A_bad_config_file_stops_start_up_with_one_line_naming_the_key(string hocon, string named)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("mesh-config-").FullName, "node.hocon");
        await File.WriteAllTextAsync(file, hocon);

        var (exitCode, output) = await RunAsync("--config", file, "--data-dir", Path.GetDirectoryName(file)!);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(named, output);
        Assert.Single(output.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_config_file_named_on_the_command_line_stops_start_up()
    {
        var (exitCode, output) = await RunAsync("--config", "/nonexistent/node.hocon");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("/nonexistent/node.hocon", output);
    }

    [Fact]
    public async Task Flags_override_the_config_file()
    {
        await using var node = await NodeProcess.StartAsync("mesh.http.port = 1", ["--port", "0"]);

        var status = await node.GetJsonAsync("/api/status");

        Assert.NotEqual(1, node.Port);
        Assert.Equal($"http://127.0.0.1:{node.Port}", status.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task Json_log_format_writes_one_json_object_a_line()
    {
        await using var node = await NodeProcess.StartAsync("mesh.log.format = json");

        var lines = node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.NotEmpty(lines);
        Assert.All(lines, line => System.Text.Json.JsonDocument.Parse(line).Dispose());
        Assert.Contains(lines, line => line.Contains("Akka", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.NodeAssembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout + await stderr);
    }
}
