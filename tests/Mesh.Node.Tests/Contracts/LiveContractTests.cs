using System.Net;
using System.Text;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Contracts;

/// <summary>The running daemon against contracts/: what is marked built is served and answers as documented.</summary>
public sealed class LiveContractTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Every_operation_marked_built_is_served_and_every_planned_one_is_not()
    {
        var wrong = new List<string>();
        foreach (var (path, method, status) in ContractSchemas.Instance.Operations)
        {
            var concretePath = path.Replace("{fingerprint}", new string('0', 64));
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), new Uri(node.Node.BaseUri, concretePath));
            if (method == "post") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await node.Node.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var served = response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                         || !(body.Length == 0 || body.Contains("NO_SUCH_ENDPOINT") || body.Contains("PWA_NOT_BUILT"));
            if (served != (status == "built")) wrong.Add($"{method} {path} is marked {status} but the node answers {(int)response.StatusCode}");
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/api/info")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/ws/signal")]
    public async Task Responses_match_their_schema(string path)
    {
        using var response = await node.Node.Http.GetAsync(new Uri(node.Node.BaseUri, path));

        await ContractSchemas.Instance.AssertHttpResponseAsync(response);
    }
}
