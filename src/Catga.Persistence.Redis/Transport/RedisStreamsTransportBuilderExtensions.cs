using Catga.Redis;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Catga.Persistence.Redis.Transport;

/// <summary>Registers the Redis Streams transport.</summary>
public static class RedisStreamsTransportBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="RedisStreamsTransport"/> as the singleton <see cref="IMessageTransport"/>, replacing an
    /// earlier registration. The options are validated here, while the application starts: an invalid setting fails
    /// now with a message naming it.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="client">Returns the application's shared <see cref="RedisClient"/> (the transport does not dispose it).</param>
    /// <param name="configure">Changes the default <see cref="RedisStreamsTransportOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message and the parameter name say which.</exception>
    public static CatgaBuilder UseRedisStreamsTransport(
        this CatgaBuilder builder, Func<IServiceProvider, RedisClient> client, Action<RedisStreamsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(client);
        var options = new RedisStreamsTransportOptions();
        configure?.Invoke(options);

        // Validated now for the error; each transport validates (and copies) them again when it is created.
        options.Validated();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(services => new RedisStreamsTransport(
            client(services) ?? throw new InvalidOperationException("The RedisClient factory given to UseRedisStreamsTransport returned null."),
            options,
            services.GetService<ILogger<RedisStreamsTransport>>())));
        return builder;
    }
}
