using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Catga.AspNetCore.Dashboard;

/// <summary>Serves Catga's operations dashboard from the application.</summary>
public static class CatgaDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the dashboard at <paramref name="prefix"/>: dead letters (filter, inspect, replay, delete, purge), outbox
    /// backlog and relay leader, consumers (in flight, lag, circuit), handled/retried/dead-lettered/duplicate counts,
    /// health, pending schedules, saga instances (listed per saga, with their history) and the compile-time topology. The page, script and style are embedded in this assembly;
    /// the JSON endpoints use source-generated serialization (Native AOT compatible). Every request needs
    /// authorization (<see cref="CatgaDashboardOptions.AuthorizationPolicy"/>, else the default policy); replay,
    /// delete and purge need a confirmation and are logged with the user's name.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">Where the dashboard lives (default <c>/catga</c>).</param>
    /// <param name="configure">Sets the authorization policy and limits.</param>
    /// <returns>The group of the dashboard's endpoints.</returns>
    public static RouteGroupBuilder MapCatgaDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/catga", Action<CatgaDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var services = endpoints.ServiceProvider;
        // Starts from the registered options (ConfigureDashboard reads them from configuration), then applies configure.
        var options = services.GetService<Microsoft.Extensions.Options.IOptions<CatgaDashboardOptions>>()?.Value ?? new CatgaDashboardOptions();
        configure?.Invoke(options);
        var counters = new DashboardCounters(services.GetService<TimeProvider>() ?? TimeProvider.System);
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(counters.Dispose);
        var logger = (services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Catga.Dashboard");
        var api = new DashboardApi(options, counters, logger);

        var group = endpoints.MapGroup(prefix.TrimEnd('/'));
        if (options.AllowAnonymous)
        {
            group.AllowAnonymous();
        }
        else if (options.AuthorizationPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }
        else
        {
            group.RequireAuthorization();
        }

        // The page uses relative URLs, so "/catga" must end in a slash for them to resolve under the prefix.
        group.MapGet("/", static context =>
        {
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                context.Response.Redirect(context.Request.PathBase + context.Request.Path + "/");
                return Task.CompletedTask;
            }

            return DashboardAssets.WriteAsync(context, "index.html");
        });
        group.MapGet("/assets/{name}", static context => DashboardAssets.WriteAsync(context, (string)context.Request.RouteValues["name"]!));
        group.MapGet("/api/overview", api.OverviewAsync);
        group.MapGet("/api/consumers", api.ConsumersAsync);
        group.MapGet("/api/dead-letters", api.DeadLettersAsync);
        group.MapGet("/api/dead-letters/{id}", api.DeadLetterAsync);
        group.MapPost("/api/dead-letters/replay", api.ReplayAsync);
        group.MapPost("/api/dead-letters/delete", api.DeleteAsync);
        group.MapPost("/api/dead-letters/purge", api.PurgeAsync);
        group.MapGet("/api/topology", api.TopologyAsync);
        group.MapGet("/api/sagas", api.SagaTypesAsync);
        group.MapGet("/api/sagas/{saga}", api.SagaListAsync);
        group.MapGet("/api/sagas/{saga}/{key}", api.SagaAsync);
        group.MapGet("/api/schedules", api.SchedulesAsync);
        group.MapPost("/api/schedules/cancel", api.CancelSchedulesAsync);
        return group;
    }
}
