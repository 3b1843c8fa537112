using System.Text.Json.Nodes;
using Mesh.Node.Tests.Contracts;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>
/// A node outside the cluster, as another implementation would be: a bare WebSocket on /ws/coordinate. Every frame it
/// receives is checked against contracts/coordinate/.
/// </summary>
public sealed class CoordinationPeer() : CheckedWebSocketClient(TimeSpan.FromSeconds(15), ContractSchemas.Instance.ValidateCoordinateMessage)
{
    public static async Task<CoordinationPeer> ConnectAsync(Uri node)
    {
        var peer = new CoordinationPeer();
        await peer.OpenAsync(new Uri($"ws://{node.Authority}/ws/coordinate"), invoker: null);
        return peer;
    }

    /// <summary>The SYNC_RESULT answering a message of type <paramref name="of"/>.</summary>
    public async Task<JsonObject> ExpectResultAsync(string of)
    {
        while (true)
        {
            var result = await ExpectAsync("SYNC_RESULT");
            if (result["of"]!.GetValue<string>() == of) return result;
        }
    }
}
