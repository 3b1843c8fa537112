// A peer node's /api/info on 127.0.0.1, served by a real HTTP listener, that can be told to stop answering.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Actors.Tests.Discovery;

internal sealed class FakePeer : IDisposable
{
    private readonly HttpListener _listener = new();
    private volatile bool _answering = true;

    public FakePeer(string callsign)
    {
        Port = FreePort();
        Callsign = callsign;
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Callsign { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>From now on every request gets a 503, as from a node that is shutting down.</summary>
    public void StopAnswering() => _answering = false;

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var body = Encoding.UTF8.GetBytes(
                $$"""{"type":"mesh-node","version":"0.1.0","capabilities":["signaling","mesh"],"callsign":"{{Callsign}}","signalingUrl":"ws://127.0.0.1:{{Port}}/ws/signal","nodeId":"fake{{Port}}"}""");
            context.Response.StatusCode = _answering && context.Request.Url?.AbsolutePath == "/api/info" ? 200 : 503;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
