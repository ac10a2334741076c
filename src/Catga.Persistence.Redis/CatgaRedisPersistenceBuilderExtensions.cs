using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>Registers the Redis stores over the application's StackExchange.Redis connection.</summary>
public static class CatgaRedisPersistenceBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="RedisInboxStore"/>, <see cref="RedisOutboxStore"/>, <see cref="RedisDistributedLock"/> and
    /// <see cref="RedisDeadLetterStore"/> as singletons over the <see cref="IConnectionMultiplexer"/> registered in the
    /// container (configure Sentinel, Cluster, TLS and authentication on it), as <see cref="IInboxStore"/>,
    /// <see cref="IOutboxStore"/>, <see cref="IDistributedLock"/> and <see cref="IDeadLetterStore"/> (replacing earlier
    /// registrations of those interfaces). The options are validated here, while the application starts; the host logs
    /// a warning at startup when a Redis master has no append-only file.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisPersistenceOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static CatgaBuilder UseRedisPersistence(this CatgaBuilder builder, Action<RedisPersistenceOptions>? configure = null) =>
        UseRedisPersistence(builder, static services => services.GetService<IConnectionMultiplexer>()
            ?? throw new InvalidOperationException(
                "UseRedisPersistence without a connection needs an IConnectionMultiplexer registered in the container; register yours or pass it (or a connection string) to UseRedisPersistence."),
            configure);

    /// <summary>Registers the Redis stores over <paramref name="connection"/> (see
    /// <see cref="UseRedisPersistence(CatgaBuilder, Action{RedisPersistenceOptions}?)"/>).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">The application's connection; the caller owns and disposes it.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisPersistenceOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static CatgaBuilder UseRedisPersistence(this CatgaBuilder builder, IConnectionMultiplexer connection, Action<RedisPersistenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return UseRedisPersistence(builder, _ => connection, configure);
    }

    /// <summary>Registers the Redis stores over a connection that Catga opens from a StackExchange.Redis configuration
    /// string (for example <c>redis1:6379,redis2:6379,password=...,ssl=true</c>) and disposes with the container.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configuration">The configuration string; it is parsed now, so a malformed one fails at startup.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisPersistenceOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string or an option is invalid; the message says which.</exception>
    public static CatgaBuilder UseRedisPersistence(this CatgaBuilder builder, string configuration, Action<RedisPersistenceOptions>? configure = null)
    {
        ConfigurationOptions parsed = RedisConnectionOwner.Parse(configuration, nameof(configuration));
        var owner = new RedisConnectionOwner(parsed);
        builder.Services.AddSingleton(owner);
        return UseRedisPersistence(builder, _ => owner.Connection, configure);
    }

    /// <summary>Registers the Redis stores over the connection <paramref name="connection"/> returns (called once).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">Returns the application's connection; the caller owns and disposes it.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisPersistenceOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static CatgaBuilder UseRedisPersistence(
        this CatgaBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisPersistenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisPersistenceOptions();
        configure?.Invoke(options);
        options.Validate();

        IServiceCollection services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(options));
        services.Replace(ServiceDescriptor.Singleton(sp => new RedisPersistenceConnection(
            connection(sp) ?? throw new InvalidOperationException("The IConnectionMultiplexer factory given to UseRedisPersistence returned null."))));
        services.Replace(ServiceDescriptor.Singleton(sp => new RedisOutboxStore(sp.GetRequiredService<RedisPersistenceConnection>().Connection, options)));
        services.Replace(ServiceDescriptor.Singleton(sp => new RedisInboxStore(sp.GetRequiredService<RedisPersistenceConnection>().Connection, options)));
        services.Replace(ServiceDescriptor.Singleton(sp => new RedisDistributedLock(sp.GetRequiredService<RedisPersistenceConnection>().Connection, options)));
        services.Replace(ServiceDescriptor.Singleton(sp => new RedisDeadLetterStore(sp.GetRequiredService<RedisPersistenceConnection>().Connection, options)));
        services.Replace(ServiceDescriptor.Singleton<IOutboxStore>(static sp => sp.GetRequiredService<RedisOutboxStore>()));
        services.Replace(ServiceDescriptor.Singleton<IInboxStore>(static sp => sp.GetRequiredService<RedisInboxStore>()));
        services.Replace(ServiceDescriptor.Singleton<IDistributedLock>(static sp => sp.GetRequiredService<RedisDistributedLock>()));
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterStore>(static sp => sp.GetRequiredService<RedisDeadLetterStore>()));
        services.Replace(ServiceDescriptor.Singleton<Catga.Scheduling.IScheduleStore>(sp => new Scheduling.RedisScheduleStore(sp.GetRequiredService<RedisPersistenceConnection>().Connection, options)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisPersistenceStartupCheck>(static sp => new RedisPersistenceStartupCheck(
            sp.GetRequiredService<RedisPersistenceConnection>().Connection,
            sp.GetRequiredService<RedisPersistenceOptions>(),
            sp.GetService<ILogger<RedisPersistenceStartupCheck>>())));
        return builder;
    }
}
