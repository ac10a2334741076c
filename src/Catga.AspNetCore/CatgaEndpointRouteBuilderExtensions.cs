using Catga.Health;
using Catga.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Catga.AspNetCore;

/// <summary>Maps Catga's commands, queries and health checks onto an ASP.NET Core application.</summary>
public static class CatgaEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every command and query of <paramref name="registry"/> to <c>POST {prefix}/{wire name}</c>: the body is
    /// the request as JSON; a success answers 200 with the value as JSON (204 for a command without result); a failure
    /// answers RFC 9457 problem details with the stable error code and field errors (validation 400, codes ending in
    /// <c>.NotFound</c> 404, see <see cref="CatgaEndpointOptions"/>, configured with
    /// <c>services.Configure&lt;CatgaEndpointOptions&gt;</c>). Native AOT compatible: no reflection-based binding.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="registry">The generated registry, <c>Catga.Generated.CatgaMessageTypes.Registry</c>.</param>
    /// <param name="prefix">The route prefix (default <c>/api</c>).</param>
    /// <returns>The group of the endpoints, to add authorization, rate limiting or OpenAPI metadata.</returns>
    /// <exception cref="InvalidOperationException">The application's JSON options lack metadata for some request or
    /// response types; the message names every one.</exception>
    public static RouteGroupBuilder MapCatgaEndpoints(this IEndpointRouteBuilder endpoints, MessageTypeRegistry registry, string prefix = "/api")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<CatgaEndpointOptions>>().Value;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var group = endpoints.MapGroup(prefix);
        var mapper = new RequestEndpointMapper(group, json, options);
        foreach (var type in registry.Types)
        {
            if (options.Include(type))
            {
                type.TryAccept(mapper);
            }
        }

        mapper.ThrowIfIncomplete();
        return group;
    }

    /// <summary>
    /// Maps <c>{prefix}/live</c> (checks tagged <see cref="CatgaHealthTags.Live"/>) and <c>{prefix}/ready</c> (checks
    /// tagged <see cref="CatgaHealthTags.Ready"/>), for liveness and readiness probes. Both answer 200 when healthy or
    /// degraded, 503 when unhealthy.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The route prefix (default <c>/health</c>).</param>
    /// <returns>The group of the two endpoints.</returns>
    public static RouteGroupBuilder MapCatgaHealthChecks(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix);
        group.MapHealthChecks("/live", new HealthCheckOptions { Predicate = static c => c.Tags.Contains(CatgaHealthTags.Live) });
        group.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = static c => c.Tags.Contains(CatgaHealthTags.Ready) });
        return group;
    }
}
