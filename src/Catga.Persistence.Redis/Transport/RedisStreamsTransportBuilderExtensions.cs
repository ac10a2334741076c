using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Transport;

/// <summary>Registers the Redis Streams transport over the application's StackExchange.Redis connection.</summary>
public static class RedisStreamsTransportBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="RedisStreamsTransport"/> as the singleton <see cref="IMessageTransport"/> (replacing an
    /// earlier registration) over the <see cref="IConnectionMultiplexer"/> registered in the container; configure
    /// Sentinel, Cluster, TLS and authentication on it. The options are validated here, while the application starts:
    /// an invalid setting fails now with a message naming it.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Changes the default <see cref="RedisStreamsTransportOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message and the parameter name say which.</exception>
    public static CatgaBuilder UseRedisStreamsTransport(this CatgaBuilder builder, Action<RedisStreamsTransportOptions>? configure = null) =>
        UseRedisStreamsTransport(builder, static services => services.GetService<IConnectionMultiplexer>()
            ?? throw new InvalidOperationException(
                "UseRedisStreamsTransport without a connection needs an IConnectionMultiplexer registered in the container; register yours or pass it (or a connection string)."),
            configure);

    /// <summary>Registers the transport over <paramref name="connection"/> (owned and disposed by the caller).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">The application's connection.</param>
    /// <param name="configure">Changes the default <see cref="RedisStreamsTransportOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message and the parameter name say which.</exception>
    public static CatgaBuilder UseRedisStreamsTransport(this CatgaBuilder builder, IConnectionMultiplexer connection, Action<RedisStreamsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return UseRedisStreamsTransport(builder, _ => connection, configure);
    }

    /// <summary>Registers the transport over a connection Catga opens from a StackExchange.Redis configuration string
    /// and disposes with the container.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configuration">The configuration string; parsed now, so a malformed one fails at startup.</param>
    /// <param name="configure">Changes the default <see cref="RedisStreamsTransportOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The configuration string or a setting is invalid; the message says which.</exception>
    public static CatgaBuilder UseRedisStreamsTransport(this CatgaBuilder builder, string configuration, Action<RedisStreamsTransportOptions>? configure = null)
    {
        ConfigurationOptions parsed = RedisConnectionOwner.Parse(configuration, nameof(configuration));
        var owner = new RedisConnectionOwner(parsed);
        builder.Services.AddSingleton(owner);
        return UseRedisStreamsTransport(builder, _ => owner.Connection, configure);
    }

    /// <summary>Registers the transport over the connection <paramref name="connection"/> returns (called once).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">Returns the application's connection (the transport does not dispose it).</param>
    /// <param name="configure">Changes the default <see cref="RedisStreamsTransportOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message and the parameter name say which.</exception>
    public static CatgaBuilder UseRedisStreamsTransport(
        this CatgaBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisStreamsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisStreamsTransportOptions();
        configure?.Invoke(options);

        // Validated now for the error; each transport validates (and copies) them again when it is created.
        options.Validated();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(services => new RedisStreamsTransport(
            connection(services) ?? throw new InvalidOperationException("The IConnectionMultiplexer factory given to UseRedisStreamsTransport returned null."),
            options,
            services.GetService<ILogger<RedisStreamsTransport>>(),
            services.GetService<TimeProvider>())));
        return builder;
    }
}
