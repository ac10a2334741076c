using Catga.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Catga.Transport.Nats;

/// <summary>Registers <see cref="NatsTransport"/> as Catga's <see cref="IMessageTransport"/>.</summary>
public static class NatsTransportCatgaBuilderExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="NatsTransport"/> as the <see cref="IMessageTransport"/>. The options are
    /// configured and validated here, while the application starts, so a bad setting fails now with a message naming it.
    /// The transport owns the connection <paramref name="connection"/> returns: it connects it on first use when it is
    /// not connected yet, and disposes it when the container disposes the transport.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="connection">Creates (or returns) the NATS connection, e.g. <c>_ =&gt; new NatsConnection(new NatsOptions { Servers = [url] })</c>.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static CatgaBuilder UseNatsTransport(this CatgaBuilder builder, Func<IServiceProvider, NatsConnection> connection, Action<NatsTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new NatsTransportOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.Replace(ServiceDescriptor.Singleton(sp => new NatsTransport(
            connection(sp) ?? throw new InvalidOperationException("The connection factory given to UseNatsTransport returned null."),
            options,
            sp.GetService<ILogger<NatsTransport>>(),
            ownsConnection: true)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(sp => sp.GetRequiredService<NatsTransport>()));
        return builder;
    }
}
