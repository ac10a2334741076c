using Catga.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Catga.Transport.Nats;

/// <summary>Registers <see cref="NatsTransport"/> as Catga's <see cref="IMessageTransport"/>.</summary>
public static class NatsTransportCatgaBuilderExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="NatsTransport"/> over the <see cref="INatsConnection"/> the application
    /// registered in the container (servers, TLS and credentials are configured there). The transport does not dispose
    /// that connection. The options are configured and validated here, while the application starts, so a bad setting
    /// fails now with a message naming it.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Changes the transport options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static CatgaBuilder UseNatsTransport(this CatgaBuilder builder, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Register(builder, Configure(configure), static sp => (sp.GetService<INatsConnection>()
            ?? throw new InvalidOperationException("UseNatsTransport() without a connection needs an INatsConnection registered in the container (for example services.AddSingleton<INatsConnection>(new NatsConnection(opts))), or pass a factory or NatsOpts."), false));
    }

    /// <summary>
    /// Registers a singleton <see cref="NatsTransport"/> over the connection <paramref name="connection"/> returns
    /// (servers, TLS and credentials are configured on it). The transport does not dispose that connection: whoever
    /// created it does.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">Returns the application's connection, e.g. <c>sp =&gt; sp.GetRequiredService&lt;INatsConnection&gt;()</c>.</param>
    /// <param name="configure">Changes the transport options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static CatgaBuilder UseNatsTransport(this CatgaBuilder builder, Func<IServiceProvider, INatsConnection> connection, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        return Register(builder, Configure(configure), sp => (connection(sp)
            ?? throw new InvalidOperationException("The connection factory given to UseNatsTransport returned null."), false));
    }

    /// <summary>
    /// Registers a singleton <see cref="NatsTransport"/> over a new <see cref="NatsConnection"/> made from
    /// <paramref name="natsOpts"/> (set <see cref="NatsOpts.Url"/>, <see cref="NatsOpts.AuthOpts"/> for NKEY, JWT or
    /// a creds file, and <see cref="NatsOpts.TlsOpts"/> there). The transport owns and disposes that connection. The
    /// client options are checked here too, each error naming the option.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="natsOpts">The client options.</param>
    /// <param name="configure">Changes the transport options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A client or transport setting is invalid; the message names it.</exception>
    public static CatgaBuilder UseNatsTransport(this CatgaBuilder builder, NatsOpts natsOpts, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(natsOpts);
        NatsOptsValidator.Validate(natsOpts);
        return Register(builder, Configure(configure), sp => (new NatsConnection(natsOpts with
        {
            LoggerFactory = sp.GetService<ILoggerFactory>() ?? natsOpts.LoggerFactory,
        }), true));
    }

    /// <summary>
    /// <see cref="UseNatsTransport(CatgaBuilder, Action{NatsTransportOptions}?)"/> (the connection registered in the
    /// container) with the transport options read from <paramref name="section"/> (usually <c>Catga:Nats</c>), bound
    /// by the configuration-binding source generator. Every setting of <see cref="NatsTransportOptions"/> except the
    /// delegates can be configured. Problems (unknown keys, values that do not convert or are out of range) fail the
    /// host's start with every other Catga configuration problem, each named by its key.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of the transport options.</param>
    /// <param name="configure">Changes after binding (the subject and mode delegates), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseNatsTransport(this CatgaBuilder builder, IConfiguration section, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var options = new NatsTransportOptions();
        SectionBinder.Accept(
            section,
            static () => new NatsTransportOptions(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            candidate =>
            {
                configure?.Invoke(candidate);
                try
                {
                    candidate.Validate();
                    return [];
                }
                catch (ArgumentException ex)
                {
                    return [SectionBinder.From(ex)];
                }
            },
            problems).Bind(options);
        ConfigurationProblems.In(builder.Services).AddRange(problems);
        configure?.Invoke(options);
        if (problems.Count == 0)
        {
            options.Validate();
        }

        return Register(builder, options, static sp => (sp.GetService<INatsConnection>()
            ?? throw new InvalidOperationException("UseNatsTransport(section) needs an INatsConnection registered in the container (for example services.AddSingleton<INatsConnection>(new NatsConnection(opts)))."), false));
    }

    private static NatsTransportOptions Configure(Action<NatsTransportOptions>? configure)
    {
        var options = new NatsTransportOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    private static CatgaBuilder Register(CatgaBuilder builder, NatsTransportOptions options, Func<IServiceProvider, (INatsConnection Connection, bool Owned)> connection)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var (natsConnection, owned) = connection(sp);
            return new NatsTransport(natsConnection, options, sp.GetService<ILogger<NatsTransport>>(), sp.GetService<TimeProvider>(), ownsConnection: owned);
        }));
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(sp => sp.GetRequiredService<NatsTransport>()));
        return builder;
    }
}
