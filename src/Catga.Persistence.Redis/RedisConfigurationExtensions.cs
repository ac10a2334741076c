using Catga.Configuration;
using Catga.Persistence.Redis.Sagas;
using Catga.Persistence.Redis.Transport;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// The Redis registrations with their options read from configuration (appsettings.json, environment variables),
/// bound by the configuration-binding source generator (no reflection, Native AOT safe). Problems (unknown keys,
/// values that do not convert or are out of range) fail the host's start with every other Catga configuration
/// problem, each named by its key; the rejected values keep their defaults meanwhile.
/// </summary>
public static class RedisConfigurationExtensions
{
    /// <summary><see cref="CatgaRedisPersistenceBuilderExtensions.UseRedisPersistence(CatgaBuilder, Action{RedisPersistenceOptions}?)"/>
    /// (the connection registered in the container) with <see cref="RedisPersistenceOptions"/> read from
    /// <paramref name="section"/> (usually <c>Catga:Redis</c>).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of the options.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseRedisPersistence(this CatgaBuilder builder, IConfiguration section, Action<RedisPersistenceOptions>? configure = null)
    {
        var accepted = Accept(builder, section, static () => new RedisPersistenceOptions(), static (c, o, strict) => c.Bind(o, b => b.ErrorOnUnknownConfiguration = strict), static o => o.Validate(), configure);
        return builder.UseRedisPersistence(options =>
        {
            accepted.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary><see cref="RedisStreamsTransportBuilderExtensions.UseRedisStreamsTransport(CatgaBuilder, Action{RedisStreamsTransportOptions}?)"/>
    /// (the connection registered in the container) with <see cref="RedisStreamsTransportOptions"/> read from
    /// <paramref name="section"/> (usually <c>Catga:RedisStreams</c>).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of the options.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseRedisStreamsTransport(this CatgaBuilder builder, IConfiguration section, Action<RedisStreamsTransportOptions>? configure = null)
    {
        var accepted = Accept(builder, section, static () => new RedisStreamsTransportOptions(), static (c, o, strict) => c.Bind(o, b => b.ErrorOnUnknownConfiguration = strict), static o => o.Validated(), configure);
        return builder.UseRedisStreamsTransport(options =>
        {
            accepted.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary><see cref="RedisSagaStoreBuilderExtensions.UseRedisSagaStore"/> with <see cref="RedisSagaStoreOptions"/>
    /// read from <paramref name="section"/> (usually <c>Catga:RedisSagas</c>).</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">The application's connection; the caller owns it.</param>
    /// <param name="section">The section of the options.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseRedisSagaStore(this CatgaBuilder builder, IConnectionMultiplexer connection, IConfiguration section, Action<RedisSagaStoreOptions>? configure = null)
    {
        var accepted = Accept(builder, section, static () => new RedisSagaStoreOptions(), static (c, o, strict) => c.Bind(o, b => b.ErrorOnUnknownConfiguration = strict), static o => o.Validate(), configure);
        return builder.UseRedisSagaStore(connection, options =>
        {
            accepted.Bind(options);
            configure?.Invoke(options);
        });
    }

    private static IConfiguration Accept<T>(
        CatgaBuilder builder, IConfiguration section, Func<T> create, Action<IConfiguration, T, bool> bind, Action<T> validate, Action<T>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var accepted = SectionBinder.Accept(
            section,
            create,
            bind,
            candidate =>
            {
                configure?.Invoke(candidate);
                try
                {
                    validate(candidate);
                    return [];
                }
                catch (ArgumentException ex)
                {
                    return [SectionBinder.From(ex)];
                }
            },
            problems);
        ConfigurationProblems.In(builder.Services).AddRange(problems);
        return accepted;
    }
}
