using Catga.DeadLetters;
using Catga.Health;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Runtime;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Distributed;

/// <summary>Turns on distributed messaging and chooses the embedded transport and stores.</summary>
public static class CatgaDistributedBuilderExtensions
{
    /// <summary>
    /// Sends requests that have no local handler to the service that has one, publishes distributed events to the
    /// transport, and consumes the distributed messages this process handles (as a hosted service). Choose a transport
    /// (<see cref="UseInMemoryTransport"/>, NATS or Redis Streams) and a serializer; add stores for exactly-once effect.
    /// Also registers Catga's health checks with <c>AddHealthChecks()</c>, tagged <see cref="CatgaHealthTags.Live"/> or
    /// <see cref="CatgaHealthTags.Ready"/>.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Sets at least <see cref="DistributedMessagingOptions.ServiceName"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder AddDistributedMessaging(this CatgaBuilder builder, Action<DistributedMessagingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DistributedMessagingOptions();
        configure(options);
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeadLetterStore>(static sp => new InMemoryDeadLetterStore());
        services.TryAddSingleton<IDistributedLock>(static sp => new InMemoryDistributedLock(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static sp => new OutboundRouter(
            sp.GetService<IMessageTransport>() ?? throw new InvalidOperationException("Catga distributed messaging has no transport: call UseInMemoryTransport(), UseNatsTransport(...) or UseRedisStreamsTransport(...) on the Catga builder."),
            sp.GetService<IMessageSerializer>() ?? throw new InvalidOperationException("Catga distributed messaging has no serializer: call AddGeneratedHandlers() (it registers the binary serializer), UseBinarySerializer(...) or UseJsonSerializer(...) on the Catga builder."),
            sp.GetRequiredService<MessageTypeRegistry>(),
            sp.GetRequiredService<DistributedMessagingOptions>(),
            sp.GetService<IOutboxStore>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Catga.Distributed")));
        services.TryAddSingleton<IScheduleStore>(static sp => new InMemoryScheduleStore());
        services.TryAddSingleton(static sp => new MessageScheduler(
            sp.GetRequiredService<IScheduleStore>(),
            sp.GetRequiredService<IDistributedLock>(),
            sp.GetRequiredService<OutboundRouter>(),
            sp.GetRequiredService<DistributedMessagingOptions>().Scheduler,
            sp,
            sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Catga.Scheduling")));
        services.TryAddSingleton(static sp =>
        {
            var writer = new ScheduleWriter(sp.GetRequiredService<OutboundRouter>(), sp.GetRequiredService<IScheduleStore>(), sp.GetRequiredService<TimeProvider>());
            writer.Scheduled += sp.GetRequiredService<MessageScheduler>().Signal;
            return writer;
        });
        services.TryAddSingleton<ICatgaBus>(static sp => new CatgaBus(sp.GetRequiredService<OutboundRouter>(), sp.GetRequiredService<ScheduleWriter>()));
        services.TryAddSingleton(static sp => new DeadLetterManager(sp.GetRequiredService<IDeadLetterStore>(), sp.GetRequiredService<IMessageTransport>()));
        services.TryAddSingleton(static sp => new CatgaMessagingHost(sp, sp.GetRequiredService<DistributedMessagingOptions>()));
        CatgaHealthChecks.Register(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CatgaMessagingHostService>(static sp => new CatgaMessagingHostService(sp.GetRequiredService<CatgaMessagingHost>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MessageSchedulerService>(static sp => new MessageSchedulerService(sp.GetRequiredService<MessageScheduler>())));
        return builder;
    }

    /// <summary>Uses the in-process transport (the embedded default): messages stay in this process.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="broker">A broker to share with other service providers in this process (tests that run two
    /// "services" side by side), or <see langword="null"/> for a new one.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseInMemoryTransport(this CatgaBuilder builder, InMemoryBroker? broker = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(sp => new InMemoryTransport(broker ?? new InMemoryBroker(sp.GetService<TimeProvider>()))));
        return builder;
    }

    /// <summary>Uses in-process inbox, outbox, lock and dead-letter stores: exactly-once effect within this process's
    /// lifetime (nothing survives a restart; use the Redis stores for that).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseInMemoryPersistence(this CatgaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(static sp => new InMemoryOutboxStore()));
        services.Replace(ServiceDescriptor.Singleton<IOutboxStore>(static sp => sp.GetRequiredService<InMemoryOutboxStore>()));
        services.Replace(ServiceDescriptor.Singleton<IInboxStore>(static sp => new InMemoryInboxStore(sp.GetRequiredService<InMemoryOutboxStore>(), sp.GetService<TimeProvider>())));
        services.Replace(ServiceDescriptor.Singleton<IDistributedLock>(static sp => new InMemoryDistributedLock(sp.GetService<TimeProvider>())));
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterStore>(static sp => new InMemoryDeadLetterStore()));
        services.Replace(ServiceDescriptor.Singleton<IScheduleStore>(static sp => new InMemoryScheduleStore()));
        return builder;
    }
}
