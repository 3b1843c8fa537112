// A real mesh-node process inside a lab host, its log kept for when a test fails.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Node.Tests.Contracts;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Discovery;

public sealed class MeshNodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private const string Listening = "Now listening on: ";
    private volatile int _port;

    private MeshNodeProcess(LabHost host, Process process, HttpClient http, int port)
    {
        Host = host;
        _process = process;
        _http = http;
        _port = port;
    }

    public LabHost Host { get; }

    /// <summary>The HTTP port; for a node started on port 0, the one Kestrel says it bound (0 until then).</summary>
    public int Port => _port;

    public string Endpoint => $"http://{Host.Address}:{Port}";

    public DateTimeOffset StartedAt { get; private init; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts mesh-node on port 8080 of the host, with extra HOCON in the `mesh` block.</summary>
    public static MeshNodeProcess Start(LabHost host, string dataDirectory, string meshHocon = "", params string[] flags) =>
        Start(host, dataDirectory, 8080, meshHocon, flags);

    /// <summary>Starts mesh-node on <paramref name="port"/> of the host (0: any free port), with extra HOCON in the `mesh` block.</summary>
    public static MeshNodeProcess Start(LabHost host, string dataDirectory, int port, string meshHocon = "", params string[] flags)
    {
        Directory.CreateDirectory(dataDirectory);
        var config = Path.Combine(dataDirectory, "node.hocon");
        File.WriteAllText(config, $"mesh {{\n{meshHocon}\n}}\n");
        var daemon = RepositoryPaths.NodeAssembly;
        var arguments = new[] { "netns", "exec", host.Namespace, "dotnet", daemon, "--config", config, "--data-dir", dataDirectory,
            "--port", port.ToString(), "--akka-port", "4053", "--ops-port", "0", "--host", host.Address.ToString() }.Concat(flags);
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var startedAt = DateTimeOffset.UtcNow;
        var node = new MeshNodeProcess(host, Process.Start(start)!, host.HttpClient(), port) { StartedAt = startedAt };
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
        if (_port == 0 && line.IndexOf(Listening, StringComparison.Ordinal) is var at and >= 0)
            _port = new Uri(line[(at + Listening.Length)..].Trim()).Port;
    }

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (Port == 0)
            {
                await Task.Delay(50);
                continue;
            }

            try
            {
                // /api/info also needs the certificate authority, which may still be recovering its journal.
                if ((await _http.GetAsync($"{Endpoint}/readyz")).IsSuccessStatusCode && (await _http.GetAsync($"{Endpoint}/api/info")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Endpoint} was not ready within {within}; log:\n{Log}");
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(Endpoint + path);

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint + path) { Content = JsonContent.Create(body) };
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return _http.SendAsync(request);
    }

    /// <summary>GET /api/peers, checked against contracts/openapi.json.</summary>
    public async Task<IReadOnlyList<JsonElement>> PeersAsync() =>
        (await GetCheckedAsync("/api/peers")).EnumerateArray().ToList();

    /// <summary>GET /api/local-servers, checked against contracts/openapi.json.</summary>
    public async Task<IReadOnlyList<string>> LocalServerEndpointsAsync() =>
        (await GetCheckedAsync("/api/local-servers")).GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("endpoint").GetString()!).ToList();

    /// <summary>The callsigns in GET /api/local-servers (null for unclaimed nodes left out).</summary>
    public async Task<IReadOnlyList<string>> LocalServerCallsignsAsync() =>
        (await GetCheckedAsync("/api/local-servers")).GetProperty("servers").EnumerateArray()
            .Select(s => s.GetProperty("callsign")).Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList();

    /// <summary>Members Up in this node's GET /api/mesh with none unreachable, or 0 while it cannot say (starting, re-forming).</summary>
    public async Task<int> UpMembersAsync()
    {
        try
        {
            using var response = await GetAsync("/api/mesh");
            if (!response.IsSuccessStatusCode) return 0;
            using var mesh = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (mesh.RootElement.GetProperty("unreachable").GetArrayLength() > 0) return 0;
            return mesh.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private async Task<JsonElement> GetCheckedAsync(string path)
    {
        using var response = await _http.GetAsync(Endpoint + path);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await ContractSchemas.Instance.AssertHttpResponseAsync(response)).RootElement.Clone();
    }

    /// <summary>An orderly stop, as systemd or Ctrl+C would ask for it.</summary>
    public void Stop()
    {
        Signals.Send(_process.Id, Signals.Terminate);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>A crash: no goodbye, no clean-up.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        _http.Dispose();
    }
}
