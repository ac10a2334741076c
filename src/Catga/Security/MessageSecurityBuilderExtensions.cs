using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Security;

/// <summary>Turns on message security (see docs/security.md).</summary>
public static class MessageSecurityBuilderExtensions
{
    /// <summary>
    /// Signs or encrypts the bodies of messages that require it (<see cref="CatgaProtectedAttribute"/> or
    /// <see cref="MessageSecurityOptions.Protect(string, MessageProtection)"/>) when they are sent, and checks every
    /// received message: one that lacks the protection its type requires, names a key this process does not hold, or
    /// fails verification is dead-lettered with the reason and never handled. Call it after AddGeneratedHandlers (which
    /// registers the binary serializer), UseBinarySerializer or UseJsonSerializer.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Sets the keys and any per-wire-name requirements.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">No serializer is configured yet, or no key provider is given.</exception>
    public static CatgaBuilder UseMessageSecurity(this CatgaBuilder builder, Action<MessageSecurityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MessageSecurityOptions();
        configure(options);
        var security = new MessageSecurity(options);
        var current = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IMessageSerializer));
        if (current?.ImplementationInstance is not IMessageSerializer serializer)
        {
            throw new InvalidOperationException("UseMessageSecurity wraps the message serializer: call AddGeneratedHandlers(), UseBinarySerializer or UseJsonSerializer first.");
        }

        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageSerializer>(new SecuredMessageSerializer(serializer is SecuredMessageSerializer s ? s.Inner : serializer, security)));
        return builder;
    }
}
