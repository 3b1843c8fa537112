using System.Text.Json.Nodes;
using Mesh.Node.Tests.Contracts;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>A real ClientWebSocket speaking /ws/signal; every frame received is kept in order and checked against contracts/signal/.</summary>
public sealed class SignalClient() : CheckedWebSocketClient(TimeSpan.FromSeconds(10), ContractSchemas.Instance.ValidateSignalMessage)
{
    public string? ClientId { get; private set; }

    public JsonObject? Hello { get; private set; }

    /// <param name="invoker">connects through it (a network namespace's HttpClient, say) instead of the default sockets.</param>
    public static async Task<SignalClient> ConnectAsync(Uri uri, HttpMessageInvoker? invoker = null)
    {
        var client = new SignalClient();
        await client.OpenAsync(uri, invoker);
        client.Hello = await client.ExpectAsync("HELLO");
        return client;
    }

    /// <summary>Connects and registers; returns once REGISTERED has arrived.</summary>
    public static async Task<SignalClient> RegisterAsync(Uri uri, string callsign = "GUEST", HttpMessageInvoker? invoker = null)
    {
        var client = await ConnectAsync(uri, invoker);
        await client.SendAsync(new { type = "REGISTER", callsign });
        var registered = await client.ExpectAsync("REGISTERED");
        client.ClientId = registered["clientId"]!.GetValue<string>();
        return client;
    }
}
