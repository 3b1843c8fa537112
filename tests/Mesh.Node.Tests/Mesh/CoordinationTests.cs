using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Mesh;

/// <summary>/ws/coordinate on a real node, with a bare WebSocket standing in for a node outside the cluster.</summary>
public sealed class CoordinationTests
{
    private static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    private static async Task<(NodeProcess Node, ClaimedNode Owner)> StartClaimedAsync(string? hocon = null)
    {
        var node = await NodeProcess.StartAsync(hocon);
        var owner = await NodeOwner.ClaimAsOperatorAsync(node.Http, node.BaseUri, "K1AAA");
        return (node, owner);
    }

    /// <summary>A self-signed CA certificate with its key, the shape of an operator's root.</summary>
    private static X509Certificate2 StrangerRoot(string callsign)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={callsign}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 2, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static object SignedBlacklisting(X509Certificate2 signer, string fingerprint, string reason, string? signedReason = null)
    {
        const string timestamp = "2026-11-26T12:00:00.000Z";
        var text = $"BLACKLIST\n{fingerprint}\n{signedReason ?? reason}\n{timestamp}";
        using var key = signer.GetECDsaPrivateKey()!;
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        return new { fingerprint, reason, timestamp, signer = new { certificate = signer.ExportCertificatePem(), chain = Array.Empty<string>() }, signature };
    }

    private static List<string> Accepted(JsonObject result) => result["accepted"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();

    private static Dictionary<string, string> Refused(JsonObject result) =>
        result["refused"]!.AsArray().ToDictionary(r => r!["item"]!.GetValue<string>(), r => r!["error"]!.GetValue<string>());

    [Fact]
    public async Task A_node_announces_itself_and_offers_its_certificates_and_its_blacklist_signed_under_its_node_certificate()
    {
        var (node, owner) = await StartClaimedAsync();
        await using var _ = node;
        await owner.ActivateAsync(node.Http, node.BaseUri);
        using var issued = await owner.IssueAsync(node.Http, node.BaseUri, "W1STA");
        var fingerprint = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fingerprint").GetString()!;
        using var blacklisted = await owner.PostAsync(node.Http, node.BaseUri, $"/api/certificates/{fingerprint}/blacklist", new { reason = "key stolen" });
        Assert.True(blacklisted.IsSuccessStatusCode);

        await using var peer = await CoordinationPeer.ConnectAsync(node.BaseUri);
        var announce = await peer.ExpectAsync("PEER_ANNOUNCE");
        var certificates = await peer.ExpectAsync("CERT_SYNC");
        var blacklist = await peer.ExpectAsync("BLACKLIST_UPDATE");

        Assert.Equal("K1AAA", announce["server"]!["callsign"]!.GetValue<string>());
        Assert.Equal(node.BaseUri.ToString().TrimEnd('/'), announce["server"]!["endpoint"]!.GetValue<string>());
        Assert.Contains("ca", announce["server"]!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains(certificates["certificates"]!.AsArray(), c => c!["fingerprint"]!.GetValue<string>() == fingerprint);
        var item = blacklist["blacklist"]!.AsArray().Single()!;
        Assert.Equal(fingerprint, item["fingerprint"]!.GetValue<string>());
        using var signer = X509Certificate2.CreateFromPem(item["signer"]!["certificate"]!.GetValue<string>());
        using var signerKey = signer.GetECDsaPublicKey()!;
        var text = $"BLACKLIST\n{fingerprint}\nkey stolen\n{item["timestamp"]!.GetValue<string>()}";
        Assert.True(signerKey.VerifyData(Encoding.UTF8.GetBytes(text), Convert.FromBase64String(item["signature"]!.GetValue<string>()),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(owner.Operator.Subject, signer.Issuer);
    }

    [Fact]
    public async Task Certificates_from_outside_are_taken_in_only_when_their_chain_validates_here()
    {
        var (node, owner) = await StartClaimedAsync();
        await using var _ = node;
        var trusted = NodeOwner.SignStation(owner.Operator, "W1OK");
        var stranger = StrangerRoot("W9XX");
        var untrusted = NodeOwner.SignStation(stranger, "W9BAD");
        var mislabelled = NodeOwner.SignStation(owner.Operator, "W1LIE");

        await using var peer = await CoordinationPeer.ConnectAsync(node.BaseUri);
        await peer.SendAsync(new
        {
            type = "CERT_SYNC",
            certificates = new object[]
            {
                new { fingerprint = Fingerprint(trusted), certificate = trusted.ExportCertificatePem(), chain = new[] { owner.Operator.ExportCertificatePem() } },
                new { fingerprint = Fingerprint(untrusted), certificate = untrusted.ExportCertificatePem(), chain = new[] { stranger.ExportCertificatePem() } },
                new { fingerprint = Fingerprint(trusted), certificate = mislabelled.ExportCertificatePem(), chain = Array.Empty<string>() },
            },
        });
        var result = await peer.ExpectResultAsync("CERT_SYNC");

        Assert.Equal([Fingerprint(trusted)], Accepted(result));
        Assert.Equal("UNTRUSTED_ROOT", Refused(result)[Fingerprint(untrusted)]);
        Assert.Equal("INVALID_CERTIFICATE", result["refused"]!.AsArray().Single(r => r!["item"]!.GetValue<string>() == Fingerprint(trusted))!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync(new Uri(node.BaseUri, $"/api/certificates/{Fingerprint(trusted)}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync(new Uri(node.BaseUri, $"/api/certificates/{Fingerprint(untrusted)}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync(new Uri(node.BaseUri, $"/api/certificates/{Fingerprint(mislabelled)}"))).StatusCode);
    }

    [Fact]
    public async Task A_blacklisting_from_outside_is_taken_in_only_when_a_certificate_authority_trusted_here_signed_it()
    {
        var (node, owner) = await StartClaimedAsync();
        await using var _ = node;
        var station = NodeOwner.SignStation(owner.Operator, "W1STA");
        var fingerprint = Fingerprint(station);
        using (var added = await owner.PostAsync(node.Http, node.BaseUri, "/api/certificates",
                   new { certificate = station.ExportCertificatePem(), chain = new[] { owner.Operator.ExportCertificatePem() } }))
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        await using var peer = await CoordinationPeer.ConnectAsync(node.BaseUri);
        async Task<string?> SendOne(object item)
        {
            await peer.SendAsync(new { type = "BLACKLIST_UPDATE", blacklist = new[] { item } });
            var result = await peer.ExpectResultAsync("BLACKLIST_UPDATE");
            return Accepted(result).Count == 1 ? null : Refused(result)[fingerprint];
        }

        Assert.Equal("INVALID_PROOF", await SendOne(new { fingerprint, reason = "unsigned", timestamp = "2026-11-26T12:00:00Z" }));
        Assert.Equal("UNTRUSTED_ROOT", await SendOne(SignedBlacklisting(StrangerRoot("W9XX"), fingerprint, "by a stranger")));
        Assert.Equal("INVALID_PROOF", await SendOne(SignedBlacklisting(owner.Operator, fingerprint, "tampered", signedReason: "original")));
        Assert.Equal(JsonValueKind.Null, (await node.GetJsonAsync($"/api/certificates/{fingerprint}")).GetProperty("blacklisted").ValueKind);

        Assert.Null(await SendOne(SignedBlacklisting(owner.Operator, fingerprint, "key stolen")));
        Assert.Equal("key stolen", (await node.GetJsonAsync($"/api/certificates/{fingerprint}")).GetProperty("blacklisted").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_announced_node_is_listed_as_a_peer_and_a_bad_endpoint_is_refused()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var peer = await CoordinationPeer.ConnectAsync(node.BaseUri);

        await peer.SendAsync(new { type = "PEER_ANNOUNCE", server = new { callsign = "W9ISL", endpoint = "http://10.99.0.7:8080", capabilities = new[] { "signaling" } } });
        Assert.Equal(["http://10.99.0.7:8080"], Accepted(await peer.ExpectResultAsync("PEER_ANNOUNCE")));
        await peer.SendAsync(new { type = "PEER_ANNOUNCE", server = new { callsign = (string?)null, endpoint = "ftp://10.99.0.8", capabilities = Array.Empty<string>() } });
        Assert.Equal("INVALID_ENDPOINT", Refused(await peer.ExpectResultAsync("PEER_ANNOUNCE"))["ftp://10.99.0.8"]);

        var peers = (await node.GetJsonAsync("/api/peers")).EnumerateArray().ToList();
        var listed = Assert.Single(peers);
        Assert.Equal("http://10.99.0.7:8080", listed.GetProperty("endpoint").GetString());
        Assert.Equal("peer", listed.GetProperty("discoveryMethod").GetString());
    }

    [Fact]
    public async Task Malformed_oversized_and_unsupported_messages_each_get_an_error_and_the_connection_stays_open()
    {
        await using var node = await NodeProcess.StartAsync("mesh.coordinate.max-message-bytes = 4096");
        await using var peer = await CoordinationPeer.ConnectAsync(node.BaseUri);

        await peer.SendTextAsync("{not json");
        await peer.ExpectErrorAsync("INVALID_JSON");
        await peer.SendTextAsync("""{"type":"NO_SUCH_THING"}""");
        await peer.ExpectErrorAsync("UNKNOWN_TYPE");
        await peer.SendTextAsync("""{"type":"CERT_SYNC","certificates":"all of them"}""");
        await peer.ExpectErrorAsync("INVALID_MESSAGE");
        await peer.SendTextAsync("""{"type":"BLACKLIST_UPDATE","blacklist":[1,2]}""");
        await peer.ExpectErrorAsync("INVALID_MESSAGE");
        await peer.SendTextAsync("""{"type":"PEER_ANNOUNCE","server":{"endpoint":42,"capabilities":[]}}""");
        await peer.ExpectErrorAsync("INVALID_MESSAGE");
        await peer.SendTextAsync($$"""{"type":"CERT_SYNC","certificates":[{{string.Join(',', Enumerable.Repeat("{}", 101))}}]}""");
        await peer.ExpectErrorAsync("TOO_MANY_ITEMS");
        await peer.SendTextAsync("""{"type":"CONTENT_SYNC","catalog":{"entries":[]}}""");
        await peer.ExpectErrorAsync("UNSUPPORTED");
        await peer.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        await peer.ExpectErrorAsync("BINARY_NOT_SUPPORTED");
        await peer.SendTextAsync($$"""{"type":"CERT_SYNC","certificates":[],"padding":"{{new string('x', 8192)}}"}""");
        await peer.ExpectErrorAsync("MESSAGE_TOO_LARGE");
        await peer.SendAsync(new { type = "CERT_SYNC", certificates = new[] { new { fingerprint = "nope", certificate = "not a pem", chain = Array.Empty<string>() } } });
        var result = await peer.ExpectResultAsync("CERT_SYNC");

        Assert.Empty(Accepted(result));
        Assert.Equal("nope", result["refused"]!.AsArray().Single()!["item"]!.GetValue<string>());
        Assert.Null(peer.CloseStatus);
        Assert.True((await node.Http.GetAsync(new Uri(node.BaseUri, "/readyz"))).IsSuccessStatusCode);
    }

    /// <summary>An operator's CA certificate (with its key) under <paramref name="root"/>.</summary>
    private static X509Certificate2 OperatorUnder(X509Certificate2 root, string callsign)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={callsign}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(root, DateTimeOffset.UtcNow.AddDays(-1), root.NotAfter, serial);
        return ECDsaCertificateExtensions.CopyWithPrivateKey(certificate, key);
    }

    private static async Task<NodeProcess> StartTrustingAsync(X509Certificate2 root)
    {
        var data = Directory.CreateTempSubdirectory("mesh-coordinate-").FullName;
        Directory.CreateDirectory(Path.Combine(data, "certs", "roots"));
        await File.WriteAllTextAsync(Path.Combine(data, "certs", "roots", "root.pem"), root.ExportCertificatePem());
        return await NodeProcess.StartAsync(dataDirectory: data, withOps: true);
    }

    [Fact]
    public async Task Two_nodes_of_different_clusters_exchange_what_they_trust_when_an_operator_syncs_them()
    {
        var root = StrangerRoot("W1ROOT");
        await using var alpha = await StartTrustingAsync(root);
        await using var bravo = await StartTrustingAsync(root);
        var alphaOwner = await NodeOwner.ClaimWithAsync(alpha.Http, alpha.BaseUri, OperatorUnder(root, "K1AAA"), [root.ExportCertificatePem()], "K1AAA");
        var bravoOwner = await NodeOwner.ClaimWithAsync(bravo.Http, bravo.BaseUri, OperatorUnder(root, "K2BBB"), [root.ExportCertificatePem()], "K2BBB");
        await bravoOwner.ActivateAsync(bravo.Http, bravo.BaseUri);
        using var issued = await bravoOwner.IssueAsync(bravo.Http, bravo.BaseUri, "W2STA");
        var stationOfBravo = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fingerprint").GetString()!;
        using var blacklisted = await bravoOwner.PostAsync(bravo.Http, bravo.BaseUri, $"/api/certificates/{stationOfBravo}/blacklist", new { reason = "key stolen" });
        Assert.True(blacklisted.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alpha.Http.GetAsync(new Uri(alpha.BaseUri, $"/api/certificates/{stationOfBravo}"))).StatusCode);

        var sync = await MeshCtlProcess.RunAsync(alpha, "--json", "peers", "sync", bravo.BaseUri.ToString());

        Assert.True(sync.ExitCode == 0, sync.Output + sync.Error);
        Assert.Equal("K2BBB", sync.Json.GetProperty("callsign").GetString());
        Assert.True(sync.Json.GetProperty("received").GetProperty("accepted").GetInt32() >= 3, sync.Output);
        Assert.True(sync.Json.GetProperty("sent").GetProperty("accepted").GetInt32() >= 1, sync.Output);
        var details = await alpha.GetJsonAsync($"/api/certificates/{stationOfBravo}");
        Assert.Equal("key stolen", details.GetProperty("blacklisted").GetProperty("reason").GetString());
        var alphaOperator = Fingerprint(alphaOwner.Operator);
        Assert.Equal(HttpStatusCode.OK, (await bravo.Http.GetAsync(new Uri(bravo.BaseUri, $"/api/certificates/{alphaOperator}"))).StatusCode);
        var peers = (await alpha.GetJsonAsync("/api/peers")).EnumerateArray().ToList();
        Assert.True(peers.Any(p => p.GetProperty("endpoint").GetString() == bravo.BaseUri.ToString().TrimEnd('/')
            && p.GetProperty("discoveryMethod").GetString() == "peer"), $"{sync.Output} peers: {string.Join(", ", peers)}");
    }

    [Fact]
    public async Task Syncing_with_a_node_that_is_not_there_fails_with_a_clear_error()
    {
        await using var node = await NodeProcess.StartAsync(withOps: true);

        var sync = await MeshCtlProcess.RunAsync(node, "peers", "sync", "http://127.0.0.1:9");
        var bad = await MeshCtlProcess.RunAsync(node, "peers", "sync", "ftp://nowhere");

        Assert.Equal(1, sync.ExitCode);
        Assert.Contains("could not be reached", sync.Output + sync.Error);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("http://10.0.0.5:8080", bad.Output + bad.Error);
    }
}
