// The contract files themselves: valid schemas, consistent with each other, and saying yes and no to the right messages.
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Mesh.Node.Tests.Contracts;

public sealed class ContractFilesTests
{
    // A property, not a field: a broken file must fail the tests that load it, not the file checks below.
    private static ContractSchemas Contracts => ContractSchemas.Instance;

    private static readonly string ContractsDirectory = ContractSchemas.LocateContractsDirectory();

    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private const string Fingerprint = "3f2a9c0d4e5b6a7182930a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";

    public static TheoryData<string> SchemaFiles()
    {
        var contracts = ContractSchemas.LocateContractsDirectory();
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(contracts, "*.schema.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(contracts, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Schema_file_is_a_valid_JSON_Schema_2020_12_document(string file)
    {
        var text = File.ReadAllText(Path.Combine(ContractsDirectory, file));
        using var document = JsonDocument.Parse(text);

        Assert.Equal(MetaSchemas.Draft202012Id.ToString(), document.RootElement.GetProperty("$schema").GetString());
        AssertValidAgainstMetaSchema(document.RootElement, file);
    }

    [Fact]
    public void Every_OpenAPI_component_schema_is_a_valid_JSON_Schema_2020_12_schema()
    {
        var openApi = JsonNode.Parse(File.ReadAllText(Path.Combine(ContractsDirectory, "openapi.json")))!;

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", openApi["jsonSchemaDialect"]?.GetValue<string>());
        foreach (var (name, schema) in openApi["components"]!["schemas"]!.AsObject())
        {
            using var document = JsonDocument.Parse(schema!.ToJsonString());
            AssertValidAgainstMetaSchema(document.RootElement, $"components.schemas.{name}");
        }
    }

    [Fact]
    public void Every_local_ref_in_openapi_points_at_something_that_exists()
    {
        var openApi = JsonNode.Parse(File.ReadAllText(Path.Combine(ContractsDirectory, "openapi.json")))!;
        using var document = JsonDocument.Parse(openApi.ToJsonString());
        var references = new List<string>();
        CollectRefs(document.RootElement, references);

        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            Assert.StartsWith("#/", reference);
            var target = reference[2..].Split('/').Aggregate<string, JsonNode?>(openApi, (node, part) => node?[part]);
            Assert.True(target is not null, $"{reference} resolves to nothing");
        }
    }

    [Fact]
    public void Signal_index_lists_every_message_type_of_the_protocol_with_its_schema_file()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts.ContractsDirectory, "signal", "index.json")))!;
        var listed = index["clientToNode"]!.AsObject().Concat(index["nodeToClient"]!.AsObject())
            .ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());

        string[] protocol =
        [
            "REGISTER", "OFFER", "ANSWER", "ICE_CANDIDATE", "LIST_PEERS",
            "HELLO", "REGISTERED", "PEER_JOINED", "PEER_LEFT", "OFFER_RECEIVED", "ANSWER_RECEIVED", "ICE_CANDIDATE_RECEIVED", "PEERS", "ERROR",
        ];
        Assert.Equal(protocol.Order(), listed.Keys.Order());
        Assert.Equal(protocol.Order(), Contracts.SignalMessageTypes.Order());
        Assert.All(listed, pair => Assert.Equal($"{pair.Key}.schema.json", pair.Value));
    }

    [Fact]
    public void Coordinate_schemas_cover_the_four_node_to_node_messages_and_the_two_answers()
    {
        Assert.Equal(["BLACKLIST_UPDATE", "CERT_SYNC", "CONTENT_SYNC", "ERROR", "PEER_ANNOUNCE", "SYNC_RESULT"], Contracts.CoordinateMessageTypes.Order());
    }

    [Fact]
    public void OpenAPI_and_the_message_schemas_agree_on_what_a_callsign_is()
    {
        var common = JsonNode.Parse(File.ReadAllText(Path.Combine(Contracts.ContractsDirectory, "common.schema.json")))!;
        var fromMessages = common["$defs"]!["callsign"]!;
        var fromOpenApi = Contracts.OpenApi["components"]!["schemas"]!["Callsign"]!;

        foreach (var keyword in new[] { "pattern", "minLength", "maxLength" })
        {
            Assert.Equal(fromMessages[keyword]!.ToJsonString(), fromOpenApi[keyword]!.ToJsonString());
        }
    }

    [Fact]
    public void Every_operation_is_marked_built_or_planned()
    {
        Assert.All(Contracts.Operations, operation => Assert.Contains(operation.Status, new[] { "built", "planned" }));
    }

    [Fact]
    public void Every_protocol_path_is_in_openapi()
    {
        string[] protocol =
        [
            "get /api/status", "get /api/info", "get /api/claim-challenge", "post /api/claim-station", "get /api/node-csr",
            "post /api/node-certificate", "get /api/mesh", "get /api/certificates", "post /api/certificates",
            "get /api/certificates/{fingerprint}", "post /api/certificates/{fingerprint}/blacklist", "post /api/issue-certificate",
            "get /api/peers", "post /api/peers", "get /api/content-catalog", "get /api/local-servers", "get /healthz", "get /readyz",
            "get /metrics", "get /", "get /ws/signal", "get /ws/coordinate",
        ];

        Assert.Equal(protocol.Order(), Contracts.Operations.Select(operation => $"{operation.Method} {operation.Path}").Order());
    }

    [Fact]
    public void Every_4xx_response_is_the_error_schema_and_every_owner_call_documents_401_and_403()
    {
        foreach (var (path, pathItem) in Contracts.OpenApi["paths"]!.AsObject())
        {
            foreach (var (method, operation) in pathItem!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                foreach (var (status, response) in responses.Where(pair => pair.Key.StartsWith('4')))
                {
                    Assert.True(
                        response?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>() == "#/components/schemas/Error",
                        $"{method} {path} {status} is not the Error schema");
                }

                if (operation["security"] is JsonArray security && security.Count > 0)
                {
                    Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{method} {path} is an owner call without 401/403");
                    Assert.Equal("ownerToken", security[0]!.AsObject().Single().Key);
                }
            }
        }

        Assert.Equal("bearer", Contracts.OpenApi["components"]!["securitySchemes"]!["ownerToken"]!["scheme"]!.GetValue<string>());
    }

    public static TheoryData<string> ConformingSignalMessages() =>
    [
        """{"type":"REGISTER","callsign":"W1AW"}""",
        """{"type":"REGISTER","callsign":"ve3/w1aw"}""",
        """{"type":"REGISTER","callsign":"2E0ABC/P"}""",
        """{"type":"REGISTER","callsign":"GUEST"}""",
        """{"type":"REGISTER","callsign":"GUEST","peerEvents":false}""",
        """{"type":"REGISTER","callsign":"W1AW","certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","signature":"MEUCIQ=="}""",
        $$$"""{"type":"OFFER","target":"c-7f3a","offer":{"type":"offer","sdp":"{{{Escape(Sdp)}}}"}}""",
        $$$"""{"type":"ANSWER","target":"K1ABC","answer":{"type":"answer","sdp":"{{{Escape(Sdp)}}}"}}""",
        """{"type":"ICE_CANDIDATE","target":"c-7f3a","candidate":{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host","sdpMLineIndex":0,"sdpMid":"0","usernameFragment":"a1b2"}}""",
        """{"type":"ICE_CANDIDATE","target":"c-7f3a","candidate":{"candidate":"","sdpMLineIndex":null,"sdpMid":null}}""",
        """{"type":"LIST_PEERS"}""",
        """{"type":"HELLO","nonce":"q2Vx_-8Hk3bJ0s9QmZcL4w","serverOwner":null,"version":"0.1.0-dev"}""",
        """{"type":"HELLO","nonce":"q2Vx_-8Hk3bJ0s9QmZcL4w","serverOwner":"W1AW","version":"0.1.0-ci.42"}""",
        """{"type":"REGISTERED","clientId":"c-1","serverOwner":null,"peers":[{"id":"c-2","callsign":"K1ABC","hasLicense":true},{"id":"c-3","callsign":"GUEST","hasLicense":false}]}""",
        """{"type":"PEER_JOINED","peer":{"id":"c-2","callsign":"K1ABC","hasLicense":false}}""",
        """{"type":"PEER_LEFT","peerId":"c-2"}""",
        $$$"""{"type":"OFFER_RECEIVED","from":"c-1","fromCallsign":"W1AW","offer":{"type":"offer","sdp":"{{{Escape(Sdp)}}}"}}""",
        $$$"""{"type":"ANSWER_RECEIVED","from":"c-2","answer":{"type":"answer","sdp":"{{{Escape(Sdp)}}}"},"relayedBy":"node-2"}""",
        """{"type":"ICE_CANDIDATE_RECEIVED","from":"c-2","candidate":{"candidate":"","sdpMLineIndex":0,"sdpMid":"0"}}""",
        """{"type":"PEERS","peers":[]}""",
        """{"type":"ERROR","error":"UNKNOWN_TARGET","details":"No client K9ZZZ is connected.","inReplyTo":"OFFER"}""",
        """{"type":"ERROR","error":"BINARY_NOT_SUPPORTED"}""",
    ];

    [Theory]
    [MemberData(nameof(ConformingSignalMessages))]
    public void Conforming_signal_message_is_accepted(string json)
    {
        Assert.Empty(Contracts.ValidateSignalMessage(json));
    }

    public static TheoryData<string, string> NonConformingSignalMessages() => new()
    {
        { "OFFER without target", $$$"""{"type":"OFFER","offer":{"type":"offer","sdp":"{{{Escape(Sdp)}}}"}}""" },
        { "OFFER carrying an answer", $$$"""{"type":"OFFER","target":"c-1","offer":{"type":"answer","sdp":"{{{Escape(Sdp)}}}"}}""" },
        { "OFFER with an empty sdp", """{"type":"OFFER","target":"c-1","offer":{"type":"offer","sdp":""}}""" },
        { "ANSWER with sdp as a number", """{"type":"ANSWER","target":"c-1","answer":{"type":"answer","sdp":7}}""" },
        { "ICE_CANDIDATE without sdpMid", """{"type":"ICE_CANDIDATE","target":"c-1","candidate":{"candidate":"","sdpMLineIndex":0}}""" },
        { "ICE_CANDIDATE with a negative m-line index", """{"type":"ICE_CANDIDATE","target":"c-1","candidate":{"candidate":"","sdpMLineIndex":-1,"sdpMid":"0"}}""" },
        { "REGISTER with a callsign of punctuation", """{"type":"REGISTER","callsign":"W1AW!!"}""" },
        { "REGISTER with a callsign without a digit", """{"type":"REGISTER","callsign":"ABCD"}""" },
        { "REGISTER with a 16-character callsign", """{"type":"REGISTER","callsign":"VE3/W1AWXYZ/QRPP"}""" },
        { "REGISTER with a certificate but no signature", """{"type":"REGISTER","callsign":"W1AW","certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}""" },
        { "REGISTER with peerEvents as a string", """{"type":"REGISTER","callsign":"GUEST","peerEvents":"false"}""" },
        { "REGISTER with a field the protocol does not have", """{"type":"REGISTER","callsign":"W1AW","admin":true}""" },
        { "LIST_PEERS with a payload", """{"type":"LIST_PEERS","filter":"W1"}""" },
        { "ERROR with an unknown code", """{"type":"ERROR","error":"SOMETHING_ELSE"}""" },
        { "ERROR without a code", """{"type":"ERROR","details":"oops"}""" },
        { "HELLO with a padded base64 nonce", """{"type":"HELLO","nonce":"q2Vx+8Hk3bJ0s9QmZcL4w==","serverOwner":null,"version":"0.1.0"}""" },
        { "HELLO with a short nonce", """{"type":"HELLO","nonce":"abc","serverOwner":null,"version":"0.1.0"}""" },
        { "REGISTERED without peers", """{"type":"REGISTERED","clientId":"c-1","serverOwner":null}""" },
        { "PEER_JOINED without hasLicense", """{"type":"PEER_JOINED","peer":{"id":"c-2","callsign":"K1ABC"}}""" },
        { "OFFER_RECEIVED without from", $$$"""{"type":"OFFER_RECEIVED","offer":{"type":"offer","sdp":"{{{Escape(Sdp)}}}"}}""" },
        { "a type the protocol does not have", """{"type":"PING"}""" },
        { "a message without a type", """{"callsign":"W1AW"}""" },
        { "not JSON", """{"type":"REGISTER",""" },
    };

    [Theory]
    [MemberData(nameof(NonConformingSignalMessages))]
    public void Non_conforming_signal_message_is_rejected(string what, string json)
    {
        Assert.True(Contracts.ValidateSignalMessage(json).Count > 0, $"{what} was accepted");
    }

    [Fact]
    public void Asserting_a_bad_signal_message_throws_naming_the_offending_field()
    {
        var exception = Assert.Throws<ContractViolationException>(() =>
            Contracts.AssertSignalMessage("""{"type":"PEER_LEFT","peerId":42}"""));

        Assert.Contains("/peerId", exception.Message);
        Assert.Contains("\"peerId\":42", exception.Message);
    }

    [Fact]
    public void Conforming_coordinate_messages_are_accepted()
    {
        string[] messages =
        [
            """{"type":"PEER_ANNOUNCE","server":{"callsign":"W1AW","endpoint":"http://10.0.0.2:8080","capabilities":["signaling","mesh","future-thing"]}}""",
            $$$"""{"type":"CERT_SYNC","certificates":[{"fingerprint":"{{{Fingerprint}}}","certificate":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","chain":[]}]}""",
            """{"type":"CONTENT_SYNC","catalog":{"entries":[{"path":"/bandplan.pdf","hash":"ab12","size":1024}]}}""",
            $$$"""{"type":"BLACKLIST_UPDATE","blacklist":[{"fingerprint":"{{{Fingerprint}}}","reason":"key compromised","timestamp":"2026-11-26T14:00:00Z","signature":"MEUC"}]}""",
        ];

        Assert.All(messages, message => Assert.Empty(Contracts.ValidateCoordinateMessage(message)));
    }

    [Fact]
    public void Coordinate_messages_with_an_upper_case_fingerprint_or_a_bad_timestamp_are_rejected()
    {
        var upperCase = Fingerprint.ToUpperInvariant();

        Assert.NotEmpty(Contracts.ValidateCoordinateMessage(
            $$$"""{"type":"CERT_SYNC","certificates":[{"fingerprint":"{{{upperCase}}}","certificate":"-----BEGIN CERTIFICATE-----","chain":[]}]}"""));
        Assert.NotEmpty(Contracts.ValidateCoordinateMessage(
            $$$"""{"type":"BLACKLIST_UPDATE","blacklist":[{"fingerprint":"{{{Fingerprint}}}","reason":"x","timestamp":"yesterday"}]}"""));
    }

    [Fact]
    public void A_status_response_as_the_lead_specified_it_is_accepted_with_extra_fields()
    {
        const string status = """
            {"state":"unclaimed","owner":null,"version":"0.1.0-dev","endpoint":"http://127.0.0.1:8080",
             "signaling":{"url":"ws://127.0.0.1:8080/ws/signal","connected":0},"uptime":1.25,"nodeId":"n-5d1c","bootstrapMode":true,"extra":1}
            """;

        Assert.Empty(Contracts.ValidateHttpResponse("/api/status", "GET", 200, status));
    }

    [Fact]
    public void A_status_response_without_nodeId_or_with_an_unknown_state_is_rejected()
    {
        const string missingNodeId = """
            {"state":"claimed","owner":"W1AW","version":"0.1.0","endpoint":"http://127.0.0.1:8080","signaling":{"url":"ws://x","connected":2},"uptime":3}
            """;
        const string unknownState = """
            {"state":"sleeping","owner":null,"version":"0.1.0","endpoint":"http://127.0.0.1:8080","signaling":{"url":"ws://x","connected":0},"uptime":3,"nodeId":"n"}
            """;

        Assert.Contains(Contracts.ValidateHttpResponse("/api/status", "GET", 200, missingNodeId), error => error.Contains("nodeId"));
        Assert.Contains(Contracts.ValidateHttpResponse("/api/status", "GET", 200, unknownState), error => error.Contains("/state"));
    }

    [Fact]
    public void Info_with_a_capability_outside_the_five_is_rejected()
    {
        const string good = """{"type":"mesh-node","version":"0.1.0","capabilities":["signaling","webrtc"],"callsign":null,"signalingUrl":"ws://127.0.0.1:8080/ws/signal","nodeId":"n"}""";
        const string bad = """{"type":"mesh-node","version":"0.1.0","capabilities":["signaling","teleport"],"callsign":null,"signalingUrl":"ws://127.0.0.1:8080/ws/signal","nodeId":"n"}""";

        Assert.Empty(Contracts.ValidateHttpResponse("/api/info", "GET", 200, good));
        Assert.NotEmpty(Contracts.ValidateHttpResponse("/api/info", "GET", 200, bad));
    }

    [Fact]
    public void Readiness_may_answer_503_with_its_checks_but_not_an_undocumented_status()
    {
        const string starting = """{"status":"starting","checks":{"storage":true,"actorSystem":true,"cluster":false}}""";

        Assert.Empty(Contracts.ValidateHttpResponse("/readyz", "GET", 503, starting));
        Assert.Empty(Contracts.ValidateHttpResponse("/healthz", "get", 200, """{"status":"ok"}"""));
        Assert.Contains(Contracts.ValidateHttpResponse("/readyz", "GET", 500, starting), error => error.Contains("does not document status 500"));
        Assert.NotEmpty(Contracts.ValidateHttpResponse("/readyz", "GET", 200, """{"status":"fine"}"""));
    }

    [Fact]
    public void A_concrete_path_finds_its_templated_operation_and_its_4xx_must_be_an_error_body()
    {
        var path = $"/api/certificates/{Fingerprint}?verbose=1";

        Assert.Empty(Contracts.ValidateHttpResponse(path, "GET", 404, """{"error":"NOT_FOUND","details":"No such certificate."}"""));
        Assert.NotEmpty(Contracts.ValidateHttpResponse(path, "GET", 404, """{"message":"not found"}"""));
        Assert.NotEmpty(Contracts.ValidateHttpResponse(path, "GET", 404, """{"error":"not found"}"""));
        Assert.Empty(Contracts.ValidateHttpResponse($"/api/certificates/{Fingerprint}/blacklist", "POST", 401, """{"error":"UNAUTHORIZED"}"""));
    }

    [Fact]
    public void An_unknown_path_or_method_is_reported()
    {
        Assert.Contains(Contracts.ValidateHttpResponse("/api/nope", "GET", 200, "{}"), error => error.Contains("not in openapi.json"));
        Assert.Contains(Contracts.ValidateHttpResponse("/api/status", "DELETE", 200, "{}"), error => error.Contains("not in openapi.json"));
    }

    [Fact]
    public void Asserting_a_bad_http_response_throws_with_the_operation_and_the_errors()
    {
        var exception = Assert.Throws<ContractViolationException>(() =>
            Contracts.AssertHttpResponse("/api/info", "GET", 200, """{"type":"mesh-node"}"""));

        Assert.Contains("GET /api/info -> 200", exception.Message);
        Assert.Contains("capabilities", exception.Message);
    }

    [Fact]
    public async Task An_HttpClient_response_is_checked_by_its_request_path_method_and_status()
    {
        using var notReady = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:8080/readyz"),
            Content = new StringContent("""{"status":"starting"}"""),
        };
        using var wrongBody = new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:8080/readyz"),
            Content = new StringContent("""{"ready":true}"""),
        };

        Assert.Equal("""{"status":"starting"}""", await Contracts.AssertHttpResponseAsync(notReady));
        await Assert.ThrowsAsync<ContractViolationException>(() => Contracts.AssertHttpResponseAsync(wrongBody));
    }

    private static void AssertValidAgainstMetaSchema(JsonElement schema, string what)
    {
        var results = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (results.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"));
        Assert.True(results.IsValid, $"{what} is not a valid 2020-12 schema: {string.Join("; ", errors)}");
    }

    private static void CollectRefs(JsonElement element, List<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref")
                    {
                        references.Add(property.Value.GetString()!);
                    }

                    CollectRefs(property.Value, references);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectRefs(item, references);
                }

                break;
        }
    }

    private static string Escape(string text) => JsonEncodedText.Encode(text).ToString();
}
