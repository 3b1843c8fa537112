// The certificate endpoints of protocol.md: parse the body, ask the certificate authority, map its reply to a status.
using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Http.Features;
using Mesh.Actors.Certificates;
using Mesh.Actors.Node;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class CertificateEndpoints
{
    /// <summary>Largest request body these endpoints read: a chain of ten PEM certificates is far smaller.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    private const int DrainLimitBytes = 16 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record CertificateBody(string? Certificate, List<string>? Chain);
    private sealed record StationBody(string? Callsign, JsonElement? Metadata);
    private sealed record ClaimBody(string? Certificate, List<string>? Chain, StationBody? Station, string? Nonce, string? Signature);
    private sealed record BlacklistBody(string? Reason);
    private sealed record IssueBody(string? Csr, JsonElement? ProofOfLicense);

    public static IEndpointRouteBuilder MapCertificateEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/claim-challenge", (MeshRuntime runtime) =>
            runtime.WithActor<CertificateAuthority>(async authority =>
            {
                var challenge = await Ask<ClaimChallengeIssued>(authority, GetClaimChallenge.Instance);
                return Results.Json(new { nonce = challenge.Nonce, expiresAt = challenge.ExpiresAt });
            }));

        endpoints.MapPost("/api/claim-station", (HttpContext http, MeshRuntime runtime) =>
            WithBody<ClaimBody>(http, runtime, ownerOnly: false, async (authority, body) =>
            {
                var metadata = body.Station?.Metadata is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m ? m.GetRawText() : null;
                var reply = await Ask(authority, new ClaimStation(body.Certificate, body.Chain, body.Station?.Callsign, metadata, body.Nonce, body.Signature));
                return reply is ClaimAccepted accepted
                    ? Results.Json(new { success = true, owner = accepted.Owner, signalingUrl = SignalingUrl(http.Request), accessToken = accepted.AccessToken })
                    : Refused(reply);
            }));

        endpoints.MapGet("/api/node-csr", (MeshRuntime runtime) =>
            runtime.WithActor<CertificateAuthority>(async authority =>
                Results.Json(new { csr = (await Ask<NodeCsr>(authority, GetNodeCsr.Instance)).CsrPem })));

        endpoints.MapPost("/api/node-certificate", (HttpContext http, MeshRuntime runtime) =>
            WithBody<CertificateBody>(http, runtime, ownerOnly: true, async (authority, body) =>
            {
                var reply = await Ask(authority, new InstallNodeCertificate(body.Certificate, body.Chain));
                if (reply is not NodeCertificateAccepted accepted)
                    return Refused(reply);
                var status = await Ask<AuthorityStatus>(authority, GetAuthorityStatus.Instance);
                return Results.Json(new { fingerprint = accepted.Fingerprint, capabilities = NodeCapabilities.Of(status.CanIssue) });
            }));

        endpoints.MapGet("/api/certificates", (MeshRuntime runtime) =>
            runtime.WithActor<CertificateAuthority>(async authority =>
            {
                var list = await Ask<CertificateList>(authority, ListCertificates.Instance);
                return Results.Json(list.Certificates.Select(Summary));
            }));

        endpoints.MapPost("/api/certificates", (HttpContext http, MeshRuntime runtime) =>
            WithBody<CertificateBody>(http, runtime, ownerOnly: true, async (authority, body) =>
            {
                var reply = await Ask(authority, new AddCertificate(body.Certificate, body.Chain));
                return reply is CertificateAdded added
                    ? Results.Json(Summary(added.Certificate), statusCode: StatusCodes.Status201Created)
                    : Refused(reply);
            }));

        endpoints.MapGet("/api/certificates/{fingerprint}", (string fingerprint, MeshRuntime runtime) =>
            runtime.WithActor<CertificateAuthority>(async authority =>
            {
                var reply = await Ask(authority, new GetCertificate(fingerprint));
                return reply is CertificateDetails details ? Results.Json(Details(details)) : Refused(reply);
            }));

        endpoints.MapPost("/api/certificates/{fingerprint}/blacklist", (string fingerprint, HttpContext http, MeshRuntime runtime) =>
            WithBody<BlacklistBody>(http, runtime, ownerOnly: true, async (authority, body) =>
            {
                var reply = await Ask(authority, new BlacklistCertificate(fingerprint, body.Reason));
                return reply is BlacklistAccepted accepted
                    ? Results.Json(new
                    {
                        fingerprint = accepted.Entry.Fingerprint,
                        reason = accepted.Entry.Reason,
                        timestamp = accepted.Entry.At,
                        alreadyBlacklisted = accepted.AlreadyBlacklisted,
                    })
                    : Refused(reply);
            }));

        endpoints.MapPost("/api/issue-certificate", (HttpContext http, MeshRuntime runtime) =>
            WithBody<IssueBody>(http, runtime, ownerOnly: true, async (authority, body) =>
            {
                var proof = ReadProof(body.ProofOfLicense);
                var reply = await Ask(authority, new IssueCertificate(body.Csr, proof));
                return reply is CertificateIssuedReply issued
                    ? Results.Json(new { certificate = issued.CertificatePem, chain = issued.ChainPems, fingerprint = issued.Fingerprint },
                        statusCode: StatusCodes.Status201Created)
                    : Refused(reply);
            }));

        return endpoints;
    }

    /// <summary>The owner guard, then the body: read up to <see cref="MaxBodyBytes"/>, JSON into <typeparamref name="T"/>.</summary>
    private static Task<IResult> WithBody<T>(HttpContext http, MeshRuntime runtime, bool ownerOnly, Func<IActorRef, T, Task<IResult>> handle) where T : class =>
        runtime.WithActor<CertificateAuthority>(async authority =>
        {
            if (ownerOnly && await OwnerGuard.RefuseUnlessOwnerAsync(http.Request, authority) is { } refusal)
                return refusal;

            var (bytes, tooLarge) = await ReadBodyAsync(http);
            if (tooLarge)
                return ErrorResults.Problem(StatusCodes.Status413PayloadTooLarge, "BODY_TOO_LARGE", $"The request body is larger than {MaxBodyBytes / 1024} KiB.");
            T? body;
            try
            {
                body = bytes.Length == 0 ? null : JsonSerializer.Deserialize<T>(bytes, Json);
            }
            catch (JsonException)
            {
                body = null;
            }
            return body is null
                ? ErrorResults.Problem(StatusCodes.Status400BadRequest, "INVALID_JSON", "The body must be a JSON object as the API describes.")
                : await handle(authority, body);
        });

    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await DrainAsync(http);
            return ([], true);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                    return ([], true);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], true);
        }
        return (buffer.ToArray(), false);
    }

    /// <summary>
    /// A client still sending a body it was told is too large sees a broken pipe instead of the 413, unless the
    /// body is read to its end; bodies up to <see cref="DrainLimitBytes"/> are read and thrown away for that.
    /// </summary>
    private static async Task DrainAsync(HttpContext http)
    {
        if (http.Request.ContentLength > DrainLimitBytes)
            return;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = DrainLimitBytes;
        var chunk = new byte[64 * 1024];
        try
        {
            while (await http.Request.Body.ReadAsync(chunk, http.RequestAborted) > 0)
            {
            }
        }
        catch (Exception error) when (error is BadHttpRequestException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>proofOfLicense is a string (a licence number, a URL) or an object {callsign, licenseClass, reference}.</summary>
    private static ProofOfLicense? ReadProof(JsonElement? proof) => proof switch
    {
        { ValueKind: JsonValueKind.String } text => new ProofOfLicense(null, null, text.GetString()),
        { ValueKind: JsonValueKind.Object } record => new ProofOfLicense(Text(record, "callsign"), Text(record, "licenseClass"), Text(record, "reference")),
        _ => null,
    };

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Task<ICertificateAuthorityReply> Ask(IActorRef authority, object message) =>
        Ask<ICertificateAuthorityReply>(authority, message);

    private static Task<T> Ask<T>(IActorRef authority, object message) =>
        authority.AskInTime<T>(message, EdgeActors.CertificateAuthorityTimeout);

    private static IResult Refused(ICertificateAuthorityReply reply)
    {
        if (reply is not CertificateRefused { Error: var error })
            throw new InvalidOperationException($"The certificate authority answered {reply.GetType().Name} where a refusal was expected.");
        var status = error.Code switch
        {
            CertificateError.AlreadyClaimed or CertificateError.NotCertificateAuthority or CertificateError.Forbidden => StatusCodes.Status403Forbidden,
            CertificateError.NotFound => StatusCodes.Status404NotFound,
            CertificateError.NotClaimed => StatusCodes.Status409Conflict,
            CertificateError.RateLimited => StatusCodes.Status429TooManyRequests,
            CertificateError.Unauthorized => StatusCodes.Status401Unauthorized,
            _ => StatusCodes.Status400BadRequest,
        };
        return ErrorResults.Problem(status, error.Code, error.Details);
    }

    private static object Summary(CertificateSummary summary) => new
    {
        fingerprint = summary.Fingerprint,
        callsign = summary.Callsign,
        licenseClass = summary.LicenseClass,
        trustLevel = TrustLevelName(summary.TrustLevel),
    };

    private static object Details(CertificateDetails details) => new
    {
        fingerprint = details.Fingerprint,
        serialNumber = details.SerialNumber,
        subject = details.Subject,
        issuer = details.Issuer,
        notBefore = details.NotBefore,
        notAfter = details.NotAfter,
        extensions = new
        {
            callsign = details.Extensions.Callsign,
            licenseClass = details.Extensions.LicenseClass,
            canIssue = details.Extensions.CanIssue,
            issuerChain = details.Extensions.IssuerChain,
            lotw = new
            {
                qsoFirstDate = details.Extensions.Lotw.QsoFirstDate,
                qsoLastDate = details.Extensions.Lotw.QsoLastDate,
                dxccEntity = details.Extensions.Lotw.DxccEntity,
                supersededCertificate = details.Extensions.Lotw.SupersededCertificate,
            },
        },
        chain = details.Chain,
        certificate = details.CertificatePem,
        trustLevel = TrustLevelName(details.TrustLevel),
        blacklisted = details.Blacklisted is { } entry ? new { reason = entry.Reason, timestamp = entry.At } : null,
    };

    private static string TrustLevelName(TrustLevel level) => level switch
    {
        TrustLevel.Root => "root",
        TrustLevel.Intermediate => "intermediate",
        _ => "peer",
    };

    private static string SignalingUrl(HttpRequest request) =>
        (request.IsHttps ? "wss://" : "ws://") + request.Host + "/ws/signal";
}
