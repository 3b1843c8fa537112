// Serves the browser app that the Release build puts in wwwroot/ beside the binary.
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Mesh.Node.Edge;

public static class PwaFiles
{
    private const string Immutable = "public, max-age=31536000, immutable";
    // index.html, the service worker and the manifest must be revalidated, or a browser keeps an old app forever.
    private const string Revalidate = "no-cache";
    private static readonly string[] NodePaths = ["/api", "/ws", "/metrics", "/healthz", "/readyz"];

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplication UsePwa(this WebApplication app)
    {
        var files = System.IO.Directory.Exists(Directory) ? new PhysicalFileProvider(Directory) : null;
        if (files is not null)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] =
                    context.Context.Request.Path.StartsWithSegments("/assets") ? Immutable : Revalidate,
            });
        }

        // Routing after the static files: routed first, every file request would match the fallback
        // below, and the static file middleware leaves requests that already have an endpoint alone.
        app.UseRouting();

        // Client-side routes (/peers, /station, ...) load the app; anything else is a JSON 404.
        app.MapFallback("{*path}", async context =>
        {
            var path = context.Request.Path;
            var isAppRoute = HttpMethods.IsGet(context.Request.Method) && !Path.HasExtension(path)
                             && !NodePaths.Any(prefix => path.StartsWithSegments(prefix));
            if (files is not null && isAppRoute)
            {
                context.Response.Headers[HeaderNames.CacheControl] = Revalidate;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
                return;
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(files is null && path == "/"
                ? new { error = "PWA_NOT_BUILT", details = "This build of mesh-node has no browser app; build with -c Release (scripts/run-node.sh does)." }
                : new { error = "NO_SUCH_ENDPOINT", details = $"Nothing is served at {context.Request.Method} {path}." });
        });
        return app;
    }
}
