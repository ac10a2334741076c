using Catga.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Sagas;

/// <summary>Registers the Redis saga store.</summary>
public static class RedisSagaStoreBuilderExtensions
{
    /// <summary>Stores saga instances in Redis (<see cref="RedisSagaStore"/>), replacing the in-memory store.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">The application's connection; the caller owns it.</param>
    /// <param name="configure">Changes the defaults of <see cref="RedisSagaStoreOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static CatgaBuilder UseRedisSagaStore(this CatgaBuilder builder, IConnectionMultiplexer connection, Action<RedisSagaStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisSagaStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.Replace(ServiceDescriptor.Singleton<ISagaStore>(sp => new RedisSagaStore(connection, options, sp.GetService<TimeProvider>())));
        return builder;
    }
}
