using Microsoft.AspNetCore.Http;

namespace Catga.AspNetCore.Dashboard;

/// <summary>Serves the page, script and style embedded in this assembly (no static-file middleware, no CDN).</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static async Task WriteAsync(HttpContext context, string name)
    {
        if (!ContentTypes.TryGetValue(name, out string? contentType)
            || typeof(DashboardAssets).Assembly.GetManifestResourceStream("Catga.AspNetCore.Dashboard." + name) is not { } stream)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.CacheControl = "no-cache";
            // The page runs only its own script and style: nothing from elsewhere, no inline code.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
