using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Persistence.Redis;

/// <summary>Registers the Redis stores.</summary>
public static class CatgaRedisPersistenceBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="RedisInboxStore"/>, <see cref="RedisOutboxStore"/>, <see cref="RedisDistributedLock"/> and
    /// <see cref="RedisDeadLetterStore"/> as singletons over <paramref name="client"/>, as <see cref="IInboxStore"/>,
    /// <see cref="IOutboxStore"/>, <see cref="IDistributedLock"/> and <see cref="IDeadLetterStore"/> (replacing earlier
    /// registrations of those interfaces). The options are validated here, while the application starts.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="client">The shared Redis client; the caller owns and disposes it.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisPersistenceOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static CatgaBuilder UseRedisPersistence(this CatgaBuilder builder, RedisClient client, Action<RedisPersistenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(client);
        var options = new RedisPersistenceOptions();
        configure?.Invoke(options);
        options.Validate();

        var outbox = new RedisOutboxStore(client, options);
        var inbox = new RedisInboxStore(client, options);
        var locks = new RedisDistributedLock(client, options);
        var deadLetters = new RedisDeadLetterStore(client, options);
        IServiceCollection services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(options));
        services.Replace(ServiceDescriptor.Singleton(outbox));
        services.Replace(ServiceDescriptor.Singleton(inbox));
        services.Replace(ServiceDescriptor.Singleton(locks));
        services.Replace(ServiceDescriptor.Singleton(deadLetters));
        services.Replace(ServiceDescriptor.Singleton<IOutboxStore>(outbox));
        services.Replace(ServiceDescriptor.Singleton<IInboxStore>(inbox));
        services.Replace(ServiceDescriptor.Singleton<IDistributedLock>(locks));
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterStore>(deadLetters));
        return builder;
    }
}
