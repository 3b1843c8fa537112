// Loads contracts/ (OpenAPI 3.1 + JSON Schema 2020-12) once and checks real messages and responses against it,
// so integration tests assert "what the node sent is what the contract says" with one call.
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Mesh.Node.Tests.Contracts;

public sealed class ContractViolationException(string message) : Exception(message);

public sealed class ContractSchemas
{
    private const string ContractsBaseUri = "https://mesh-actors.invalid/contracts/";
    private const string OpenApiComponentsPrefix = "#/components/schemas/";

    private static readonly Lazy<ContractSchemas> Loaded = new(() => new ContractSchemas(LocateContractsDirectory()));

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    private readonly Dictionary<string, JsonSchema> _signalSchemas;
    private readonly Dictionary<string, JsonSchema> _coordinateSchemas;
    private readonly List<HttpOperation> _operations;

    public static ContractSchemas Instance => Loaded.Value;

    public string ContractsDirectory { get; }

    public JsonObject OpenApi { get; }

    public IReadOnlyCollection<string> SignalMessageTypes => _signalSchemas.Keys;

    public IReadOnlyCollection<string> CoordinateMessageTypes => _coordinateSchemas.Keys;

    private ContractSchemas(string contractsDirectory)
    {
        ContractsDirectory = contractsDirectory;
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };

        // Message schemas $ref common.schema.json by its $id, so it must be known to the registry first.
        BuildSchema(Path.Combine(contractsDirectory, "common.schema.json"), build);
        _signalSchemas = LoadMessageSchemas(Path.Combine(contractsDirectory, "signal"), build);
        _coordinateSchemas = LoadMessageSchemas(Path.Combine(contractsDirectory, "coordinate"), build);

        OpenApi = JsonNode.Parse(File.ReadAllText(Path.Combine(contractsDirectory, "openapi.json")))!.AsObject();
        BuildOpenApiComponents(build);
        _operations = LoadOperations(build);
    }

    /// <summary>Errors of one /ws/signal message (empty when it conforms); the schema is chosen by its <c>type</c>.</summary>
    public IReadOnlyList<string> ValidateSignalMessage(string json) => ValidateMessage(_signalSchemas, "/ws/signal", json);

    public void AssertSignalMessage(string json) => ThrowIfAny(ValidateSignalMessage(json), "/ws/signal message", json);

    public IReadOnlyList<string> ValidateCoordinateMessage(string json) => ValidateMessage(_coordinateSchemas, "/ws/coordinate", json);

    public void AssertCoordinateMessage(string json) => ThrowIfAny(ValidateCoordinateMessage(json), "/ws/coordinate message", json);

    /// <summary>
    /// Errors of one HTTP response (empty when it conforms): the status must be documented for the operation,
    /// and a JSON body must match that response's schema. <paramref name="path"/> is concrete (query ignored).
    /// </summary>
    public IReadOnlyList<string> ValidateHttpResponse(string path, string method, int status, string? json)
    {
        var operation = FindOperation(path, method);
        if (operation is null)
        {
            return [$"{method.ToUpperInvariant()} {path} is not in openapi.json"];
        }

        if (!operation.Responses.TryGetValue(status, out var response))
        {
            var documented = string.Join(", ", operation.Responses.Keys.Order());
            return [$"{operation.Name} does not document status {status} (documented: {documented})"];
        }

        if (response is null)
        {
            return [];
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return [$"{operation.Name} {status} must have a JSON body"];
        }

        return Evaluate(response, json);
    }

    public void AssertHttpResponse(string path, string method, int status, string? json) =>
        ThrowIfAny(ValidateHttpResponse(path, method, status, json), $"{method.ToUpperInvariant()} {path} -> {status}", json ?? "");

    /// <summary>Checks a response an <see cref="HttpClient"/> got; returns its body for further assertions.</summary>
    public async Task<string> AssertHttpResponseAsync(HttpResponseMessage response)
    {
        var request = response.RequestMessage
            ?? throw new ArgumentException("The response has no request message to take the path and method from.", nameof(response));
        var body = await response.Content.ReadAsStringAsync();
        AssertHttpResponse(request.RequestUri!.AbsolutePath, request.Method.Method, (int)response.StatusCode, body);
        return body;
    }

    /// <summary>Operations as (path template, method, x-status), for tests that check the document itself.</summary>
    public IEnumerable<(string Path, string Method, string? Status)> Operations =>
        _operations.Select(operation => (operation.PathTemplate, operation.Method, operation.XStatus));

    /// <summary>contracts/ beside Mesh.Actors.sln, found by walking up from the test binaries.</summary>
    public static string LocateContractsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.Actors.sln")))
            {
                return Path.Combine(directory.FullName, "contracts");
            }
        }

        throw new InvalidOperationException($"No Mesh.Actors.sln above {AppContext.BaseDirectory}; cannot find contracts/.");
    }

    private static JsonSchema BuildSchema(string file, BuildOptions build)
    {
        try
        {
            return JsonSchema.FromText(File.ReadAllText(file), build);
        }
        catch (Exception exception) when (exception is JsonException or JsonSchemaException)
        {
            throw new ContractViolationException($"{file} is not a usable JSON Schema: {exception.Message}");
        }
    }

    private static Dictionary<string, JsonSchema> LoadMessageSchemas(string directory, BuildOptions build) =>
        Directory.GetFiles(directory, "*.schema.json")
            .Order(StringComparer.Ordinal)
            .ToDictionary(file => Path.GetFileName(file)[..^".schema.json".Length], file => BuildSchema(file, build));

    private static IReadOnlyList<string> ValidateMessage(Dictionary<string, JsonSchema> schemas, string endpoint, string json)
    {
        JsonNode? message;
        try
        {
            message = JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            return [$"not JSON: {exception.Message}"];
        }

        if (message is not JsonObject obj || obj["type"] is not JsonValue typeValue || !typeValue.TryGetValue(out string? type))
        {
            return ["a message must be a JSON object with a string 'type'"];
        }

        return schemas.TryGetValue(type, out var schema)
            ? Evaluate(schema, json)
            : [$"{endpoint} has no message type '{type}'"];
    }

    private static IReadOnlyList<string> Evaluate(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = schema.Evaluate(document.RootElement, Evaluation);
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Prepend(results)
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error =>
                $"{Location(detail.InstanceLocation.ToString())}: {error.Value} (schema {detail.EvaluationPath})"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : ["does not match its schema"];
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "(root)" : pointer;

    private static void ThrowIfAny(IReadOnlyList<string> errors, string what, string json)
    {
        if (errors.Count > 0)
        {
            throw new ContractViolationException(
                $"{what} breaks the contract:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}{Environment.NewLine}JSON: {json}");
        }
    }

    // The components become $defs of one schema document, so response schemas can $ref them by absolute URI.
    private void BuildOpenApiComponents(BuildOptions build)
    {
        var components = new JsonObject
        {
            ["$schema"] = OpenApi["jsonSchemaDialect"]?.DeepClone(),
            ["$id"] = ContractsBaseUri + "openapi.json",
            ["$defs"] = RewriteComponentRefs(OpenApi["components"]?["schemas"]
                ?? throw new ContractViolationException("openapi.json has no components.schemas")),
        };
        JsonSchema.FromText(components.ToJsonString(), build);
    }

    private static JsonNode RewriteComponentRefs(JsonNode node)
    {
        var copy = node.DeepClone();
        Rewrite(copy);
        return copy;

        static void Rewrite(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    if (obj["$ref"] is JsonValue reference && reference.TryGetValue(out string? target) &&
                        target.StartsWith(OpenApiComponentsPrefix, StringComparison.Ordinal))
                    {
                        obj["$ref"] = $"{ContractsBaseUri}openapi.json#/$defs/{target[OpenApiComponentsPrefix.Length..]}";
                    }

                    foreach (var (_, child) in obj.ToList())
                    {
                        Rewrite(child);
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Rewrite(child);
                    }

                    break;
            }
        }
    }

    private List<HttpOperation> LoadOperations(BuildOptions build)
    {
        var operations = new List<HttpOperation>();
        foreach (var (pathTemplate, pathItem) in OpenApi["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in pathItem!.AsObject())
            {
                var responses = new Dictionary<int, JsonSchema?>();
                foreach (var (status, response) in operationNode!["responses"]!.AsObject())
                {
                    var schema = response?["content"]?["application/json"]?["schema"];
                    responses[int.Parse(status)] = schema is null
                        ? null
                        : JsonSchema.FromText(new JsonObject
                        {
                            ["$schema"] = OpenApi["jsonSchemaDialect"]?.DeepClone(),
                            ["$id"] = $"{ContractsBaseUri}openapi/{method}{pathTemplate.Replace('{', '_').Replace('}', '_')}/{status}",
                            ["allOf"] = new JsonArray(RewriteComponentRefs(schema)),
                        }.ToJsonString(), build);
                }

                operations.Add(new HttpOperation(pathTemplate, method, operationNode["x-status"]?.GetValue<string>(), responses));
            }
        }

        return operations;
    }

    private HttpOperation? FindOperation(string path, string method)
    {
        var segments = path.Split('?', 2)[0].Split('/');
        return _operations
            .Where(operation => string.Equals(operation.Method, method, StringComparison.OrdinalIgnoreCase) && operation.Matches(segments))
            .OrderBy(operation => operation.PathTemplate.Count(character => character == '{'))
            .FirstOrDefault();
    }

    private sealed record HttpOperation(string PathTemplate, string Method, string? XStatus, Dictionary<int, JsonSchema?> Responses)
    {
        private readonly string[] _segments = PathTemplate.Split('/');

        public string Name => $"{Method.ToUpperInvariant()} {PathTemplate}";

        public bool Matches(string[] segments) =>
            segments.Length == _segments.Length &&
            _segments.Zip(segments, (template, actual) =>
                template.StartsWith('{') ? actual.Length > 0 : string.Equals(template, actual, StringComparison.Ordinal)).All(matches => matches);
    }
}
