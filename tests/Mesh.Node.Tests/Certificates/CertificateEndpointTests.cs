using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Actors.Tests.Certificates;
using Mesh.Node.Tests.Contracts;
using Mesh.Node.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Tests.Certificates;

/// <summary>
/// The certificate endpoints of the real daemon; openssl plays the operator's own tools. Every response is also
/// checked against contracts/openapi.json.
/// </summary>
public sealed class CertificateEndpointTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-node-certs-").FullName;
    private OwnerPki _pki = null!;
    private Openssl Openssl => _pki.Openssl;
    private string DataDirectory => Path.Combine(_directory, "data");

    public Task InitializeAsync()
    {
        _pki = new OwnerPki(new Openssl(Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName), "/CN=Endpoint Test Root");
        return Task.CompletedTask;
    }

    private void TrustRootInRootsDirectory()
    {
        var roots = Directory.CreateDirectory(Path.Combine(DataDirectory, "certs", "roots")).FullName;
        File.Copy(Openssl.PathOf("root.pem"), Path.Combine(roots, "root.pem"));
    }

    private Task<NodeProcess> StartNodeAsync(string? hocon = null) => NodeProcess.StartAsync(hocon, dataDirectory: DataDirectory);

    private static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await ContractSchemas.Instance.AssertHttpResponseAsync(response)) ?? throw new InvalidOperationException("empty body");

    private static async Task<JsonNode> GetAsync(NodeProcess node, string path)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUri, path));
        return await Json(response);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(NodeProcess node, string path, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, path)) { Content = JsonContent.Create(body) };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Http.SendAsync(request);
        return (response.StatusCode, await Json(response));
    }

    private static async Task<string> NonceAsync(NodeProcess node) =>
        (await GetAsync(node, "/api/claim-challenge"))["nonce"]!.GetValue<string>();

    private async Task<(HttpStatusCode Status, JsonNode Body)> ClaimAsync(NodeProcess http, string[] chain, string? nonce = null, string key = "owner",
        string certificate = "owner.pem", string callsign = OwnerPki.Owner)
    {
        nonce ??= await NonceAsync(http);
        return await PostAsync(http, "/api/claim-station", new
        {
            certificate = Openssl.Read(certificate),
            chain,
            station = new { callsign, metadata = new { grid = "FN42" } },
            nonce,
            signature = Openssl.SignNonce(key, nonce),
        });
    }

    private async Task<string> ClaimAndActivateAsync(NodeProcess http, string[] chain)
    {
        var (status, claimed) = await ClaimAsync(http, chain);
        Assert.True(status == HttpStatusCode.OK, claimed.ToJsonString());
        var token = claimed["accessToken"]!.GetValue<string>();
        var node = _pki.SignNodeCsr((await GetAsync(http, "/api/node-csr"))["csr"]!.GetValue<string>());
        var (installed, body) = await PostAsync(http, "/api/node-certificate", new { certificate = node, chain = new[] { _pki.OwnerPem } }, token);
        Assert.True(installed == HttpStatusCode.OK, body.ToJsonString());
        return token;
    }

    private object IssueBody(string name, string callsign, string proofCallsign)
    {
        Openssl.KeyAndCsr(name, $"/CN={callsign}");
        return new { csr = Openssl.Read($"{name}.csr"), proofOfLicense = new { callsign = proofCallsign, licenseClass = "general", reference = "ULS" } };
    }

    [Fact]
    public async Task An_operator_claims_delegates_and_issues_over_HTTP_and_openssl_verifies_the_result()
    {
        TrustRootInRootsDirectory();
        await using var node = await StartNodeAsync();
        var http = node;
        Assert.Equal("unclaimed", (await GetAsync(http, "/api/status"))["state"]!.GetValue<string>());

        var token = await ClaimAndActivateAsync(http, []);
        var status = await GetAsync(http, "/api/status");
        Assert.Equal("active", status["state"]!.GetValue<string>());
        Assert.Equal("K1OWN", status["owner"]!.GetValue<string>());
        Assert.Contains("ca", (await GetAsync(http, "/api/info"))["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));

        var (issuedStatus, issued) = await PostAsync(http, "/api/issue-certificate", IssueBody("station", "K1ABC", "K1ABC"), token);
        Assert.True(issuedStatus == HttpStatusCode.Created, issued.ToJsonString());
        Openssl.Write("leaf.pem", issued["certificate"]!.GetValue<string>());
        Openssl.Write("chain.pem", string.Join('\n', issued["chain"]!.AsArray().Select(c => c!.GetValue<string>())));
        var verify = Openssl.Run("verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("leaf.pem: OK", verify.Output);

        var fingerprint = issued["fingerprint"]!.GetValue<string>();
        var details = await GetAsync(http, $"/api/certificates/{fingerprint}");
        Assert.Equal("K1ABC", details["extensions"]!["callsign"]!.GetValue<string>());
        Assert.Equal("general", details["extensions"]!["licenseClass"]!.GetValue<string>());
        Assert.Equal(3, details["extensions"]!["issuerChain"]!.AsArray().Count);
        var list = await GetAsync(http, "/api/certificates");
        Assert.Contains(list.AsArray(), c => c!["fingerprint"]!.GetValue<string>() == fingerprint && c["trustLevel"]!.GetValue<string>() == "peer");
    }

    [Fact]
    public async Task A_station_that_signs_the_HELLO_nonce_registers_as_licensed_until_its_certificate_is_blacklisted()
    {
        TrustRootInRootsDirectory();
        Openssl.KeyAndCsr("station", "/AROcallsign=K1ABC/CN=Jane Operator");
        Openssl.Sign("station", "owner", "station", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");
        var pem = Openssl.Read("station.pem") + "\n" + _pki.OwnerPem;
        await using var node = await StartNodeAsync();
        await using var watcher = await SignalClient.RegisterAsync(node.SignalUri, "W1AW");

        await using (var station = await SignalClient.ConnectAsync(node.SignalUri))
        {
            var nonce = station.Hello!["nonce"]!.GetValue<string>();
            await station.SendAsync(new { type = "REGISTER", callsign = "K1ABC", certificate = pem, signature = Openssl.SignNonce("station", nonce) });
            await station.ExpectAsync("REGISTERED");
            var joined = await watcher.ExpectAsync("PEER_JOINED");
            Assert.Equal("K1ABC", joined["peer"]!["callsign"]!.GetValue<string>());
            Assert.True(joined["peer"]!["hasLicense"]!.GetValue<bool>());
        }

        var token = (await ClaimAsync(node, [])).Body["accessToken"]!.GetValue<string>();
        var (added, addedBody) = await PostAsync(node, "/api/certificates", new { certificate = Openssl.Read("station.pem"), chain = new[] { _pki.OwnerPem } }, token);
        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(node, $"/api/certificates/{addedBody["fingerprint"]!.GetValue<string>()}/blacklist", new { reason = "stolen" }, token)).Status);

        await using var revoked = await SignalClient.ConnectAsync(node.SignalUri);
        var again = revoked.Hello!["nonce"]!.GetValue<string>();
        await revoked.SendAsync(new { type = "REGISTER", callsign = "K1ABC", certificate = pem, signature = Openssl.SignNonce("station", again) });
        var error = await revoked.ExpectErrorAsync("INVALID_CERTIFICATE");
        Assert.Contains("blacklisted", error["details"]!.GetValue<string>());
    }

    [Fact]
    public async Task Owner_calls_without_a_token_get_401_and_with_a_wrong_one_403()
    {
        TrustRootInRootsDirectory();
        await using var node = await StartNodeAsync();
        await ClaimAndActivateAsync(node, []);
        foreach (var path in new[] { "/api/node-certificate", "/api/certificates", "/api/issue-certificate", $"/api/certificates/{new string('a', 64)}/blacklist" })
        {
            var (missing, missingBody) = await PostAsync(node, path, new { });
            Assert.Equal(HttpStatusCode.Unauthorized, missing);
            Assert.Equal("UNAUTHORIZED", missingBody["error"]!.GetValue<string>());
            var (wrong, wrongBody) = await PostAsync(node, path, new { }, token: "not-the-token");
            Assert.Equal(HttpStatusCode.Forbidden, wrong);
            Assert.Equal("FORBIDDEN", wrongBody["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Hostile_claims_each_get_a_clear_4xx_and_leave_the_node_unclaimed()
    {
        TrustRootInRootsDirectory();
        Openssl.KeyAndCsr("mid", "/AROcallsign=K2MID/CN=K2MID");
        Openssl.Sign("mid", "owner", "mid", OwnerPki.NodeCaExtensions);
        Openssl.KeyAndCsr("mixed", "/AROcallsign=K1OWN/CN=W9XYZ");
        Openssl.Sign("mixed", "root", "mixed", OwnerPki.OwnerCaExtensions);
        var tampered = _pki.OwnerPem.Replace("\n", "");
        tampered = tampered.Insert(tampered.Length - 60, "A").Remove(tampered.Length - 59, 1);
        Openssl.Write("tampered.pem", tampered.Replace("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n").Replace("-----END CERTIFICATE-----", "\n-----END CERTIFICATE-----\n"));

        await using var node = await StartNodeAsync();
        var http = node;

        var (malformed, malformedBody) = await PostAsync(http, "/api/claim-station", new
        {
            certificate = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----", chain = Array.Empty<string>(),
            station = new { callsign = "K1OWN" }, nonce = await NonceAsync(http), signature = "AAAA",
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.Equal("INVALID_CERTIFICATE", malformedBody["error"]!.GetValue<string>());

        var (wrongOrder, wrongOrderBody) = await ClaimAsync(http, [Openssl.Read("root.pem"), _pki.OwnerPem], key: "mid", certificate: "mid.pem", callsign: "K2MID");
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
            using var response = await http.Http.PostAsync(new Uri(http.BaseUri, "/api/claim-station"), huge);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("BODY_TOO_LARGE", (await Json(response))["error"]!.GetValue<string>());
        }

        using (var junk = new StringContent("{not json", Encoding.UTF8, "application/json"))
        {
            using var response = await http.Http.PostAsync(new Uri(http.BaseUri, "/api/claim-station"), junk);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("INVALID_JSON", (await Json(response))["error"]!.GetValue<string>());
        }

        Assert.Equal("unclaimed", (await GetAsync(http, "/api/status"))["state"]!.GetValue<string>());

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
        Openssl.KeyAndCsr("mid", "/AROcallsign=K2MID/CN=K2MID");
        Openssl.Sign("mid", "owner", "mid", OwnerPki.NodeCaExtensions);
        Openssl.KeyAndCsr("peer", "/CN=K3PEER");
        Openssl.Sign("peer", "mid", "peer", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");

        await using var node = await StartNodeAsync();
        var http = node;
        var token = await ClaimAndActivateAsync(http, []);
        var (added, addedBody) = await PostAsync(http, "/api/certificates", new { certificate = Openssl.Read("mid.pem"), chain = new[] { _pki.OwnerPem } }, token);
        Assert.True(added == HttpStatusCode.Created, addedBody.ToJsonString());
        Assert.Equal("intermediate", addedBody["trustLevel"]!.GetValue<string>());

        var (blacklisted, _) = await PostAsync(http, $"/api/certificates/{addedBody["fingerprint"]!.GetValue<string>()}/blacklist", new { reason = "compromised" }, token);
        Assert.Equal(HttpStatusCode.OK, blacklisted);
        var (refused, refusedBody) = await PostAsync(http, "/api/certificates",
            new { certificate = Openssl.Read("peer.pem"), chain = new[] { Openssl.Read("mid.pem"), _pki.OwnerPem } }, token);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("BLACKLISTED", refusedBody["error"]!.GetValue<string>());

        using (var missing = await http.Http.GetAsync(new Uri(http.BaseUri, $"/api/certificates/{new string('0', 64)}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("NOT_FOUND", (await Json(missing))["error"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(http, $"/api/certificates/{new string('0', 64)}/blacklist", new { reason = "x" }, token)).Status);
    }

    [Fact]
    public async Task A_restarted_daemon_keeps_its_bootstrap_root_claim_node_certificate_issued_certificates_and_blacklist()
    {
        string token, issued, revoked;
        await using (var node = await StartNodeAsync())
        {
            Assert.True((await GetAsync(node, "/api/status"))["bootstrapMode"]!.GetValue<bool>());
            // No roots configured: the claimant's chain ends at its own self-signed CA, which the node then trusts.
            token = await ClaimAndActivateAsync(node, [Openssl.Read("root.pem")]);
            issued = (await PostAsync(node, "/api/issue-certificate", IssueBody("a", "K1ABC", "K1ABC"), token)).Body["fingerprint"]!.GetValue<string>();
            revoked = (await PostAsync(node, "/api/issue-certificate", IssueBody("b", "K2ABC", "K2ABC"), token)).Body["fingerprint"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(node, $"/api/certificates/{revoked}/blacklist", new { reason = "lost" }, token)).Status);
            node.Terminate();
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        await using var restarted = await StartNodeAsync();
        var status = await GetAsync(restarted, "/api/status");
        Assert.Equal("active", status["state"]!.GetValue<string>());
        Assert.Equal("K1OWN", status["owner"]!.GetValue<string>());
        Assert.Equal("K1ABC", (await GetAsync(restarted, $"/api/certificates/{issued}"))["extensions"]!["callsign"]!.GetValue<string>());
        Assert.Equal("lost", (await GetAsync(restarted, $"/api/certificates/{revoked}"))["blacklisted"]!["reason"]!.GetValue<string>());
        var (again, _) = await PostAsync(restarted, "/api/issue-certificate", IssueBody("c", "K3ABC", "K3ABC"), token);
        Assert.Equal(HttpStatusCode.Created, again);
    }

    /// <summary>R3 in targets.md: kill -9 during 1,000 issuances loses no acknowledged certificate and no blacklist entry.</summary>
    [Fact]
    public async Task Every_certificate_and_blacklist_entry_acknowledged_before_a_SIGKILL_mid_burst_is_there_after_restart()
    {
        const int Acknowledged = 1000;
        const int Workers = 16;
        TrustRootInRootsDirectory();
        const string hocon = "mesh.certificates.issuance-per-hour = 100000\n";
        var acknowledged = new ConcurrentBag<string>();
        string token, revoked;
        await using (var node = await StartNodeAsync(hocon))
        {
            token = await ClaimAndActivateAsync(node, []);
            revoked = (await PostAsync(node, "/api/issue-certificate", IssueBody("revoked", "K0RVK", "K0RVK"), token)).Body["fingerprint"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(node, $"/api/certificates/{revoked}/blacklist", new { reason = "key compromised" }, token)).Status);

            var csrs = Enumerable.Range(0, Workers).Select(i => IssueBody($"burst{i}", $"K{i}BST", $"K{i}BST")).ToArray();
            using var stop = new CancellationTokenSource();
            var burst = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var (status, body) = await PostAsync(node, "/api/issue-certificate", csrs[worker], token);
                        if (status == HttpStatusCode.Created)
                            acknowledged.Add(body["fingerprint"]!.GetValue<string>());
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                    {
                        return;
                    }
                }
            })).ToArray();
            while (acknowledged.Count < Acknowledged && !burst.All(worker => worker.IsCompleted))
                await Task.Delay(20);
            Assert.True(acknowledged.Count >= Acknowledged, "the burst stopped early: " + string.Join("; ", burst.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException!.Message)));
            // The workers still have issuances in flight: the kill lands mid-burst, not after it.
            node.Kill();
            await node.WaitForExitAsync(TimeSpan.FromSeconds(20));
            stop.Cancel();
            await Task.WhenAll(burst);
        }

        SqliteConnection.ClearAllPools();
        await using var restarted = await StartNodeAsync(hocon);
        var listed = (await GetAsync(restarted, "/api/certificates")).AsArray()
            .Select(c => c!["fingerprint"]!.GetValue<string>()).ToHashSet();
        Assert.True(acknowledged.Count >= Acknowledged);
        var lost = acknowledged.Except(listed).ToList();
        Assert.Empty(lost);
        Assert.Equal("key compromised", (await GetAsync(restarted, $"/api/certificates/{revoked}"))["blacklisted"]!["reason"]!.GetValue<string>());
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
