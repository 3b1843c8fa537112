using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Mesh.Node.Tests.Infrastructure;

/// <summary>
/// Claims a node in bootstrap mode (no trusted roots) with a self-signed operator CA made here, as the
/// first licensed operator would, and keeps the owner's access token for owner-only calls.
/// </summary>
public static class NodeOwner
{
    public static Task<string> ClaimAsync(NodeProcess node, string callsign = "W1AW") => ClaimAsync(node.Http, node.BaseUri, callsign);

    public static async Task<string> ClaimAsync(HttpClient http, Uri node, string callsign = "W1AW")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={callsign}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 2, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var nonce = (await http.GetFromJsonAsync<JsonElement>(new Uri(node, "/api/claim-challenge"))).GetProperty("nonce").GetString()!;

        using var response = await http.PostAsJsonAsync(new Uri(node, "/api/claim-station"), new
        {
            certificate = certificate.ExportCertificatePem(),
            chain = Array.Empty<string>(),
            station = new { callsign, metadata = new { } },
            nonce,
            signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256)),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"claim refused: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
    }
}
