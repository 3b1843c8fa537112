using System.Text.Json.Nodes;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Mesh;

/// <summary>Waits the mesh tests share: presence news arriving at real clients, cluster views settling.</summary>
internal static class MeshSteps
{
    public const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static readonly TimeSpan Presence = TimeSpan.FromSeconds(10);

    /// <summary>Reads PEER_JOINED frames until every one of these peers has joined, in any order.</summary>
    public static async Task ExpectPeerJoinedAsync(SignalClient client, params string[] peerIds)
    {
        var waiting = peerIds.ToHashSet();
        while (waiting.Count > 0)
        {
            var joined = await client.ExpectAsync("PEER_JOINED", Presence);
            waiting.Remove(joined["peer"]!["id"]!.GetValue<string>());
        }
    }

    public static async Task ExpectPeerLeftAsync(SignalClient client, string peerId, TimeSpan within)
    {
        while (true)
        {
            var left = await client.ExpectAsync("PEER_LEFT", within);
            if (left["peerId"]!.GetValue<string>() == peerId) return;
        }
    }

    /// <summary>Asks for the peer list until it names the peer (a REGISTERED may predate the peer's arrival).</summary>
    public static async Task WaitUntilSeenAsync(SignalClient client, string peerId)
    {
        await WaitUntilAsync(async () =>
        {
            await client.SendAsync(new { type = "LIST_PEERS" });
            return Ids((await client.ExpectAsync("PEERS"))["peers"]!).Contains(peerId);
        });
    }

    public static List<string> Ids(JsonNode peers) => peers.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();

    public static async Task<List<string>> MemberAddressesAsync(NodeProcess node) =>
        (await node.GetJsonAsync("/api/mesh")).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).ToList();

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Presence);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(200);
        }

        throw new TimeoutException("the condition did not hold in time");
    }
}
