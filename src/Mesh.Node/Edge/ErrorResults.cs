namespace Mesh.Node.Edge;

/// <summary>Every HTTP error is JSON {error, details}: a stable code and a sentence.</summary>
public static class ErrorResults
{
    public static IResult Problem(int status, string error, string details) =>
        Results.Json(new { error, details }, statusCode: status);

    public static IResult NodeStarting() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "NODE_STARTING", "The node's actor system is starting or re-forming; try again in a few seconds.");

    public static IResult NodeBusy() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "NODE_BUSY", "The node did not answer in time; try again.");

    /// <summary>
    /// Errors thrown past an endpoint: an actor that did not answer in time is a busy node (503);
    /// anything else is a bug, answered as JSON and logged.
    /// </summary>
    public static WebApplication UseJsonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
            var answer = error switch
            {
                Akka.Actor.AskTimeoutException => NodeBusy(),
                Microsoft.AspNetCore.Http.BadHttpRequestException bad => Problem(bad.StatusCode, "BAD_REQUEST", bad.Message),
                _ => Problem(StatusCodes.Status500InternalServerError, "INTERNAL_ERROR", "The node failed to answer this request; it has been logged."),
            };
            await answer.ExecuteAsync(context);
        }));
        return app;
    }
}
