using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Mesh.Node.Tests.Infrastructure;
using Mesh.Node.Tests.Metrics;
using static Mesh.Node.Tests.Mesh.MeshSteps;

namespace Mesh.Node.Tests.Mesh;

/// <summary>Trust that travels: what one node's owner adds or blacklists reaches the other nodes' HTTP surface.</summary>
[Collection(MeshProcesses.Collection)]
public sealed class MeshTrustTests
{
    [Fact]
    public async Task A_blacklist_made_on_node_1_is_seen_on_node_2()
    {
        await using var nodes = await MeshNodes.StartAsync(2);
        var owner = await NodeOwner.ClaimAsOperatorAsync(nodes[0].Http, nodes[0].BaseUri, "K1AAA");
        var station = NodeOwner.SignStation(owner.Operator, "W1STA");
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(station.RawData));

        using var added = await OwnerPostAsync(nodes[0], owner, "/api/certificates",
            new { certificate = station.ExportCertificatePem(), chain = new[] { owner.Operator.ExportCertificatePem() } });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        using var blacklisted = await OwnerPostAsync(nodes[0], owner, $"/api/certificates/{fingerprint}/blacklist", new { reason = "key stolen" });
        Assert.True(blacklisted.IsSuccessStatusCode, await blacklisted.Content.ReadAsStringAsync());

        JsonElement seen = default;
        await WaitUntilAsync(async () =>
        {
            using var response = await nodes[1].Http.GetAsync(new Uri(nodes[1].BaseUri, $"/api/certificates/{fingerprint}"));
            if (response.StatusCode != HttpStatusCode.OK) return false;
            seen = await response.Content.ReadFromJsonAsync<JsonElement>();
            return seen.GetProperty("blacklisted").ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal("key stolen", seen.GetProperty("blacklisted").GetProperty("reason").GetString());
        Assert.Equal("W1STA", seen.GetProperty("extensions").GetProperty("callsign").GetString());
        var rootsOnNode2 = await nodes[1].GetJsonAsync("/api/certificates");
        Assert.Contains(rootsOnNode2.EnumerateArray(), c =>
            c.GetProperty("fingerprint").GetString() == Convert.ToHexStringLower(SHA256.HashData(owner.Operator.RawData))
            && c.GetProperty("trustLevel").GetString() == "root");
        var metrics = PrometheusSamples.Parse(await nodes[1].Http.GetStringAsync(new Uri(nodes[1].BaseUri, "/metrics")));
        Assert.True(metrics.Value("mesh_trust_entries_stored") >= 3, "node 2 keeps the anchor, the certificate and the blacklisting");
        Assert.Equal(0, metrics.Value("mesh_trust_entries_own"));
        Assert.Equal(0, metrics.Value("mesh_trust_entries_rejected_total"));
    }

    private static async Task<HttpResponseMessage> OwnerPostAsync(NodeProcess node, ClaimedNode owner, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        return await node.Http.SendAsync(request);
    }
}
