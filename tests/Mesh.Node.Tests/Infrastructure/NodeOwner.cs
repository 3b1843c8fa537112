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

    public static async Task<string> ClaimAsync(HttpClient http, Uri node, string callsign = "W1AW") =>
        (await ClaimAsOperatorAsync(http, node, callsign)).AccessToken;

    /// <summary>Claims the node and keeps the operator's CA certificate with its key, to sign station certificates with.</summary>
    public static async Task<ClaimedNode> ClaimAsOperatorAsync(HttpClient http, Uri node, string callsign = "W1AW")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={callsign}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 2, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return await ClaimWithAsync(http, node, certificate, [], callsign);
    }

    /// <summary>Claims the node with an operator certificate (with its key) and the chain above it.</summary>
    public static async Task<ClaimedNode> ClaimWithAsync(HttpClient http, Uri node, X509Certificate2 operatorCertificate, IReadOnlyList<string> chain,
        string callsign)
    {
        var nonce = (await http.GetFromJsonAsync<JsonElement>(new Uri(node, "/api/claim-challenge"))).GetProperty("nonce").GetString()!;
        using var key = operatorCertificate.GetECDsaPrivateKey()!;
        using var response = await http.PostAsJsonAsync(new Uri(node, "/api/claim-station"), new
        {
            certificate = operatorCertificate.ExportCertificatePem(),
            chain,
            station = new { callsign, metadata = new { } },
            nonce,
            signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(nonce), HashAlgorithmName.SHA256)),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"claim refused: {(int)response.StatusCode} {body}");
        return new ClaimedNode(JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!, operatorCertificate);
    }

    /// <summary>A station certificate the operator signs on their own device (no node certificate needed for it).</summary>
    public static X509Certificate2 SignStation(X509Certificate2 operatorCertificate, string callsign)
    {
        using var stationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={callsign}", stationKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return request.Create(operatorCertificate, DateTimeOffset.UtcNow.AddDays(-1), operatorCertificate.NotAfter, serial);
    }
}

/// <summary>The owner's steps after a claim, over HTTP, as the owner's device would take them.</summary>
public static class NodeOwnerSteps
{
    /// <summary>Signs the node's CSR with the operator's CA certificate and installs it: the node can issue afterwards.</summary>
    public static async Task ActivateAsync(this ClaimedNode owner, HttpClient http, Uri node)
    {
        var csrPem = (await http.GetFromJsonAsync<JsonElement>(new Uri(node, "/api/node-csr"))).GetProperty("csr").GetString()!;
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var request = new CertificateRequest(csr.SubjectName, csr.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var nodeCertificate = request.Create(owner.Operator, DateTimeOffset.UtcNow.AddDays(-1), owner.Operator.NotAfter, serial);
        using var response = await owner.PostAsync(http, node, "/api/node-certificate",
            new { certificate = nodeCertificate.ExportCertificatePem(), chain = new[] { owner.Operator.ExportCertificatePem() } });
        Assert.True(response.IsSuccessStatusCode, $"node certificate refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POST /api/issue-certificate for a fresh station key; the response as it came.</summary>
    public static Task<HttpResponseMessage> IssueAsync(this ClaimedNode owner, HttpClient http, Uri node, string callsign)
    {
        using var stationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN={callsign}", stationKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        return owner.PostAsync(http, node, "/api/issue-certificate",
            new { csr, proofOfLicense = new { callsign, licenseClass = "general", reference = "ULS" } });
    }

    public static Task<HttpResponseMessage> PostAsync(this ClaimedNode owner, HttpClient http, Uri node, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", owner.AccessToken);
        return http.SendAsync(request);
    }
}

/// <param name="Operator">the self-signed operator CA certificate, with its private key.</param>
public sealed record ClaimedNode(string AccessToken, X509Certificate2 Operator);
