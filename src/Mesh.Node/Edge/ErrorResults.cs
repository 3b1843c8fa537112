namespace Mesh.Node.Edge;

/// <summary>Every HTTP error is JSON {error, details}: a stable code and a sentence.</summary>
public static class ErrorResults
{
    public static IResult Problem(int status, string error, string details) =>
        Results.Json(new { error, details }, statusCode: status);

    public static IResult NodeStarting() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "NODE_STARTING", "The node's actor system is starting or re-forming; try again in a few seconds.");

    /// <summary>
    /// Errors thrown past an endpoint: an actor that did not answer in time is a busy node (503);
    /// anything else is a bug, answered as JSON and logged.
    /// </summary>
    public static WebApplication UseJsonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
            var (status, code, details) = error switch
            {
                Akka.Actor.AskTimeoutException => (StatusCodes.Status503ServiceUnavailable, "NODE_BUSY", "The node did not answer in time; try again."),
                Microsoft.AspNetCore.Http.BadHttpRequestException bad => (bad.StatusCode, "BAD_REQUEST", bad.Message),
                _ => (StatusCodes.Status500InternalServerError, "INTERNAL_ERROR", "The node failed to answer this request; it has been logged."),
            };
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = code, details });
        }));
        return app;
    }
}
