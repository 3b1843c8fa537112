using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Actors.Tests.Certificates;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mesh.Node.Tests.Certificates;

/// <summary>The certificate endpoints of the real daemon; openssl plays the operator's own tools.</summary>
public sealed class CertificateEndpointTests : IAsyncLifetime
{
    private const string OwnerCaExtensions = "basicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
    private const string NodeCaExtensions = "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-node-certs-").FullName;
    private Openssl _openssl = null!;
    private string DataDirectory => Path.Combine(_directory, "data");

    public Task InitializeAsync()
    {
        _openssl = new Openssl(Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName);
        _openssl.SelfSignedCa("root", "/CN=Endpoint Test Root");
        _openssl.KeyAndCsr("owner", "/AROcallsign=K1OWN/CN=K1OWN");
        _openssl.Sign("owner", "root", "owner", OwnerCaExtensions);
        return Task.CompletedTask;
    }

    private void TrustRootInRootsDirectory()
    {
        var roots = Directory.CreateDirectory(Path.Combine(DataDirectory, "certs", "roots")).FullName;
        File.Copy(_openssl.PathOf("root.pem"), Path.Combine(roots, "root.pem"));
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient http, string path, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await Json(response));
    }

    private async Task<string> NonceAsync(HttpClient http) =>
        (await Json(await http.GetAsync("/api/claim-challenge")))["nonce"]!.GetValue<string>();

    private async Task<(HttpStatusCode Status, JsonNode Body)> ClaimAsync(HttpClient http, string[] chain, string? nonce = null, string key = "owner",
        string certificate = "owner.pem", string callsign = "K1OWN")
    {
        nonce ??= await NonceAsync(http);
        return await PostAsync(http, "/api/claim-station", new
        {
            certificate = _openssl.Read(certificate),
            chain,
            station = new { callsign, metadata = new { grid = "FN42" } },
            nonce,
            signature = _openssl.SignNonce(key, nonce),
        });
    }

    private async Task<string> ClaimAndActivateAsync(HttpClient http, string[] chain)
    {
        var (status, claimed) = await ClaimAsync(http, chain);
        Assert.True(status == HttpStatusCode.OK, claimed.ToJsonString());
        var token = claimed["accessToken"]!.GetValue<string>();
        _openssl.Write("node.csr", (await Json(await http.GetAsync("/api/node-csr")))["csr"]!.GetValue<string>());
        _openssl.Sign("node", "owner", "node", NodeCaExtensions);
        var (installed, body) = await PostAsync(http, "/api/node-certificate", new { certificate = _openssl.Read("node.pem"), chain = new[] { _openssl.Read("owner.pem") } }, token);
        Assert.True(installed == HttpStatusCode.OK, body.ToJsonString());
        return token;
    }

    private object IssueBody(string name, string callsign, string proofCallsign)
    {
        _openssl.KeyAndCsr(name, $"/CN={callsign}");
        return new { csr = _openssl.Read($"{name}.csr"), proofOfLicense = new { callsign = proofCallsign, licenseClass = "general", reference = "ULS" } };
    }

    [Fact]
    public async Task An_operator_claims_delegates_and_issues_over_HTTP_and_openssl_verifies_the_result()
    {
        TrustRootInRootsDirectory();
        await using var node = await MeshNodeProcess.StartAsync(DataDirectory);
        var http = node.Http;
        Assert.Equal("unclaimed", (await Json(await http.GetAsync("/api/status")))["state"]!.GetValue<string>());

        var token = await ClaimAndActivateAsync(http, []);
        var status = await Json(await http.GetAsync("/api/status"));
        Assert.Equal("active", status["state"]!.GetValue<string>());
        Assert.Equal("K1OWN", status["owner"]!.GetValue<string>());
        Assert.Contains("ca", (await Json(await http.GetAsync("/api/info")))["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));

        var (issuedStatus, issued) = await PostAsync(http, "/api/issue-certificate", IssueBody("station", "K1ABC", "K1ABC"), token);
        Assert.True(issuedStatus == HttpStatusCode.Created, issued.ToJsonString());
        _openssl.Write("leaf.pem", issued["certificate"]!.GetValue<string>());
        _openssl.Write("chain.pem", string.Join('\n', issued["chain"]!.AsArray().Select(c => c!.GetValue<string>())));
        var verify = _openssl.Run("verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("leaf.pem: OK", verify.Output);

        var fingerprint = issued["fingerprint"]!.GetValue<string>();
        var details = await Json(await http.GetAsync($"/api/certificates/{fingerprint}"));
        Assert.Equal("K1ABC", details["extensions"]!["callsign"]!.GetValue<string>());
        Assert.Equal("general", details["extensions"]!["licenseClass"]!.GetValue<string>());
        Assert.Equal(3, details["extensions"]!["issuerChain"]!.AsArray().Count);
        var list = await Json(await http.GetAsync("/api/certificates"));
        Assert.Contains(list["certificates"]!.AsArray(), c => c!["fingerprint"]!.GetValue<string>() == fingerprint && c["trustLevel"]!.GetValue<string>() == "peer");
    }

    [Fact]
    public async Task Owner_calls_without_a_token_get_401_and_with_a_wrong_one_403()
    {
        TrustRootInRootsDirectory();
        await using var node = await MeshNodeProcess.StartAsync(DataDirectory);
        await ClaimAndActivateAsync(node.Http, []);
        foreach (var path in new[] { "/api/node-certificate", "/api/certificates", "/api/issue-certificate", $"/api/certificates/{new string('a', 64)}/blacklist" })
        {
            var (missing, missingBody) = await PostAsync(node.Http, path, new { });
            Assert.Equal(HttpStatusCode.Unauthorized, missing);
            Assert.Equal("UNAUTHORIZED", missingBody["error"]!.GetValue<string>());
            var (wrong, wrongBody) = await PostAsync(node.Http, path, new { }, token: "not-the-token");
            Assert.Equal(HttpStatusCode.Forbidden, wrong);
            Assert.Equal("FORBIDDEN", wrongBody["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Hostile_claims_each_get_a_clear_4xx_and_leave_the_node_unclaimed()
    {
        TrustRootInRootsDirectory();
        _openssl.KeyAndCsr("mid", "/AROcallsign=K2MID/CN=K2MID");
        _openssl.Sign("mid", "owner", "mid", NodeCaExtensions);
        _openssl.KeyAndCsr("mixed", "/AROcallsign=K1OWN/CN=W9XYZ");
        _openssl.Sign("mixed", "root", "mixed", OwnerCaExtensions);
        var tampered = _openssl.Read("owner.pem").Replace("\n", "");
        tampered = tampered.Insert(tampered.Length - 60, "A").Remove(tampered.Length - 59, 1);
        _openssl.Write("tampered.pem", tampered.Replace("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n").Replace("-----END CERTIFICATE-----", "\n-----END CERTIFICATE-----\n"));

        await using var node = await MeshNodeProcess.StartAsync(DataDirectory);
        var http = node.Http;

        var (malformed, malformedBody) = await PostAsync(http, "/api/claim-station", new
        {
            certificate = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----", chain = Array.Empty<string>(),
            station = new { callsign = "K1OWN" }, nonce = await NonceAsync(http), signature = "AAAA",
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.Equal("INVALID_CERTIFICATE", malformedBody["error"]!.GetValue<string>());

        var (wrongOrder, wrongOrderBody) = await ClaimAsync(http, [_openssl.Read("root.pem"), _openssl.Read("owner.pem")], key: "mid", certificate: "mid.pem", callsign: "K2MID");
        Assert.Equal(HttpStatusCode.BadRequest, wrongOrder);
        Assert.Equal("INVALID_CHAIN", wrongOrderBody["error"]!.GetValue<string>());

        var (mismatch, mismatchBody) = await ClaimAsync(http, [], key: "mixed", certificate: "mixed.pem");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Equal("CALLSIGN_MISMATCH", mismatchBody["error"]!.GetValue<string>());

        var (badSignature, _) = await ClaimAsync(http, [], certificate: "tampered.pem");
        Assert.Equal(HttpStatusCode.BadRequest, badSignature);

        var (unknownNonce, unknownNonceBody) = await ClaimAsync(http, [], nonce: "made-up-nonce");
        Assert.Equal(HttpStatusCode.BadRequest, unknownNonce);
        Assert.Equal("INVALID_NONCE", unknownNonceBody["error"]!.GetValue<string>());

        using (var huge = new ByteArrayContent(new byte[10 * 1024 * 1024]))
        {
            huge.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync("/api/claim-station", huge);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("BODY_TOO_LARGE", (await Json(response))["error"]!.GetValue<string>());
        }

        using (var junk = new StringContent("{not json", Encoding.UTF8, "application/json"))
        {
            using var response = await http.PostAsync("/api/claim-station", junk);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal("unclaimed", (await Json(await http.GetAsync("/api/status")))["state"]!.GetValue<string>());

        var nonce = await NonceAsync(http);
        Assert.Equal(HttpStatusCode.OK, (await ClaimAsync(http, [], nonce)).Status);
        var (reused, reusedBody) = await ClaimAsync(http, [], nonce);
        Assert.Equal(HttpStatusCode.Forbidden, reused);
        Assert.Equal("ALREADY_CLAIMED", reusedBody["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certificate_below_a_blacklisted_intermediate_is_not_taken_into_the_trust_store()
    {
        TrustRootInRootsDirectory();
        _openssl.KeyAndCsr("mid", "/AROcallsign=K2MID/CN=K2MID");
        _openssl.Sign("mid", "owner", "mid", NodeCaExtensions);
        _openssl.KeyAndCsr("peer", "/CN=K3PEER");
        _openssl.Sign("peer", "mid", "peer", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");

        await using var node = await MeshNodeProcess.StartAsync(DataDirectory);
        var http = node.Http;
        var token = await ClaimAndActivateAsync(http, []);
        var (added, addedBody) = await PostAsync(http, "/api/certificates", new { certificate = _openssl.Read("mid.pem"), chain = new[] { _openssl.Read("owner.pem") } }, token);
        Assert.True(added == HttpStatusCode.Created, addedBody.ToJsonString());
        Assert.Equal("intermediate", addedBody["trustLevel"]!.GetValue<string>());

        var (blacklisted, _) = await PostAsync(http, $"/api/certificates/{addedBody["fingerprint"]!.GetValue<string>()}/blacklist", new { reason = "compromised" }, token);
        Assert.Equal(HttpStatusCode.OK, blacklisted);
        var (refused, refusedBody) = await PostAsync(http, "/api/certificates",
            new { certificate = _openssl.Read("peer.pem"), chain = new[] { _openssl.Read("mid.pem"), _openssl.Read("owner.pem") } }, token);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("BLACKLISTED", refusedBody["error"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/certificates/{new string('0', 64)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, $"/api/certificates/{new string('0', 64)}/blacklist", new { reason = "x" }, token)).Status);
    }

    [Fact]
    public async Task A_restarted_daemon_keeps_its_bootstrap_root_claim_node_certificate_issued_certificates_and_blacklist()
    {
        string token, issued, revoked;
        await using (var node = await MeshNodeProcess.StartAsync(DataDirectory))
        {
            Assert.True((await Json(await node.Http.GetAsync("/api/status")))["bootstrap"]!.GetValue<bool>());
            // No roots configured: the claimant's chain ends at its own self-signed CA, which the node then trusts.
            token = await ClaimAndActivateAsync(node.Http, [_openssl.Read("root.pem")]);
            issued = (await PostAsync(node.Http, "/api/issue-certificate", IssueBody("a", "K1ABC", "K1ABC"), token)).Body["fingerprint"]!.GetValue<string>();
            revoked = (await PostAsync(node.Http, "/api/issue-certificate", IssueBody("b", "K2ABC", "K2ABC"), token)).Body["fingerprint"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(node.Http, $"/api/certificates/{revoked}/blacklist", new { reason = "lost" }, token)).Status);
            await node.StopAsync();
        }

        await using var restarted = await MeshNodeProcess.StartAsync(DataDirectory);
        var status = await Json(await restarted.Http.GetAsync("/api/status"));
        Assert.Equal("active", status["state"]!.GetValue<string>());
        Assert.Equal("K1OWN", status["owner"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/api/certificates/{issued}")).StatusCode);
        Assert.Equal("lost", (await Json(await restarted.Http.GetAsync($"/api/certificates/{revoked}")))["blacklisted"]!["reason"]!.GetValue<string>());
        var (again, _) = await PostAsync(restarted.Http, "/api/issue-certificate", IssueBody("c", "K3ABC", "K3ABC"), token);
        Assert.Equal(HttpStatusCode.Created, again);
    }

    [Fact]
    public async Task Every_certificate_acknowledged_before_a_SIGKILL_is_there_after_restart()
    {
        TrustRootInRootsDirectory();
        const string hocon = "mesh.certificates.issuance-per-hour = 100000\n";
        var acknowledged = new ConcurrentBag<string>();
        string token;
        await using (var node = await MeshNodeProcess.StartAsync(DataDirectory, hocon))
        {
            token = await ClaimAndActivateAsync(node.Http, []);
            var csrs = Enumerable.Range(0, 8).Select(i => IssueBody($"burst{i}", $"K{i}BST", $"K{i}BST")).ToArray();
            using var stop = new CancellationTokenSource();
            var burst = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var (status, body) = await PostAsync(node.Http, "/api/issue-certificate", csrs[worker], token);
                        if (status == HttpStatusCode.Created)
                            acknowledged.Add(body["fingerprint"]!.GetValue<string>());
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                    {
                        return;
                    }
                }
            })).ToArray();
            while (acknowledged.Count < 200)
                await Task.Delay(20);
            node.KillHard();
            stop.Cancel();
            await Task.WhenAll(burst);
        }

        SqliteConnection.ClearAllPools();
        await using var restarted = await MeshNodeProcess.StartAsync(DataDirectory, hocon);
        var listed = (await Json(await restarted.Http.GetAsync("/api/certificates")))["certificates"]!.AsArray()
            .Select(c => c!["fingerprint"]!.GetValue<string>()).ToHashSet();
        Assert.True(acknowledged.Count >= 200);
        Assert.All(acknowledged, fingerprint => Assert.Contains(fingerprint, listed));
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
