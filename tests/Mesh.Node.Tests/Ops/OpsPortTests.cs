using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Ops;

public sealed class OpsPortTests
{
    [Fact]
    public async Task An_ops_port_already_taken_stops_start_up_with_a_line_naming_the_key()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
                     {
                         RepositoryPaths.NodeAssembly, "--port", "0", "--bind", "127.0.0.1", "--akka-port", "0", "--ops-port", port.ToString(),
                         "--host", "127.0.0.1", "--no-mdns", "--data-dir", Directory.CreateTempSubdirectory("mesh-node-test-").FullName,
                     })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(2, process.ExitCode);
            var error = Assert.Single((await stderr).Trim().Split('\n'));
            Assert.StartsWith("mesh-node: mesh.ops.port: cannot listen on 127.0.0.1:" + port, error);
            Assert.DoesNotContain("Exception", await stdout);
        }
        finally
        {
            taken.Stop();
        }
    }
}
