// The check every owner-only endpoint makes first (protocol.md): 401 without a bearer token, 403 with a wrong one.
using Akka.Actor;
using Mesh.Actors.Certificates;

namespace Mesh.Node.Edge;

public static class OwnerGuard
{
    /// <returns>null when the caller holds the owner's access token, else the refusal to send.</returns>
    public static async Task<IResult?> RefuseUnlessOwnerAsync(HttpRequest request, IActorRef authority)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var check = await authority.AskInTime<OwnerCheck>(new CheckOwnerToken(token));
        return check.Verdict switch
        {
            OwnerVerdict.Missing => ErrorResults.Problem(StatusCodes.Status401Unauthorized, CertificateError.Unauthorized, "This call needs the owner's access token: Authorization: Bearer <token>."),
            OwnerVerdict.Wrong => ErrorResults.Problem(StatusCodes.Status403Forbidden, CertificateError.Forbidden, "The access token is not the owner's."),
            _ => null,
        };
    }
}
