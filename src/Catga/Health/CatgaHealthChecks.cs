using Catga.Distributed;
using Catga.Outbox;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Catga.Health;

/// <summary>Registers Catga's checks with the host's health-check service (<c>AddHealthChecks()</c>), once.</summary>
internal static class CatgaHealthChecks
{
    private static readonly string[] LiveTags = [CatgaHealthTags.Catga, CatgaHealthTags.Live];
    private static readonly string[] ReadyTags = [CatgaHealthTags.Catga, CatgaHealthTags.Ready];

    public static void Register(IServiceCollection services)
    {
        // AddDistributedMessaging may run more than once; the health-check service rejects duplicate names.
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(Marker))
            {
                return;
            }
        }

        services.AddSingleton<Marker>();
        // The health-check service logs through ILogger<T>; an app built on a plain ServiceCollection may have no
        // logging at all, and would then fail to start. AddLogging adds only what is missing (TryAdd).
        services.AddLogging();
        services.AddOptions<CatgaHealthOptions>();
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration(
                CatgaHealthCheckNames.Host,
                static sp => new MessagingHostHealthCheck(sp.GetRequiredService<CatgaMessagingHost>()),
                HealthStatus.Unhealthy,
                LiveTags))
            .Add(new HealthCheckRegistration(
                CatgaHealthCheckNames.Transport,
                static sp => new TransportHealthCheck(sp.GetRequiredService<IMessageTransport>()),
                HealthStatus.Unhealthy,
                ReadyTags))
            .Add(new HealthCheckRegistration(
                CatgaHealthCheckNames.Consumers,
                static sp => new ConsumersHealthCheck(sp.GetRequiredService<CatgaMessagingHost>()),
                HealthStatus.Unhealthy,
                ReadyTags))
            .Add(new HealthCheckRegistration(
                CatgaHealthCheckNames.Outbox,
                static sp => new OutboxHealthCheck(
                    sp.GetRequiredService<DistributedMessagingOptions>().UseOutbox ? sp.GetService<IOutboxStore>() : null,
                    sp.GetRequiredService<CatgaMessagingHost>(),
                    sp.GetRequiredService<IOptions<CatgaHealthOptions>>()),
                HealthStatus.Unhealthy,
                ReadyTags))
            .Add(new HealthCheckRegistration(
                CatgaHealthCheckNames.Scheduler,
                static sp => new SchedulerHealthCheck(
                    sp.GetRequiredService<Scheduling.MessageScheduler>(),
                    sp.GetRequiredService<Scheduling.IScheduleStore>(),
                    sp.GetRequiredService<TimeProvider>()),
                HealthStatus.Unhealthy,
                ReadyTags));
    }

    /// <summary>Marks a service collection whose Catga checks are registered.</summary>
    private sealed class Marker;
}
