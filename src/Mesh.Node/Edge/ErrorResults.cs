namespace Mesh.Node.Edge;

/// <summary>Every HTTP error is JSON {error, details}: a stable code and a sentence.</summary>
public static class ErrorResults
{
    public static IResult Problem(int status, string error, string details) =>
        Results.Json(new { error, details }, statusCode: status);

    public static IResult NodeStarting() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "NODE_STARTING", "The node's actor system is starting or re-forming; try again in a few seconds.");
}
