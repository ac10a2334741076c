using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Serialization;

/// <summary>Chooses the <see cref="IMessageSerializer"/> that transports use, and the message types they know.</summary>
public static class CatgaSerializationBuilderExtensions
{
    /// <summary>
    /// Registers <paramref name="registry"/> and <see cref="BinaryMessageSerializer"/>, Catga's generated binary format.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="registry">The message types, usually the generated <c>Catga.Generated.CatgaMessageTypes.Registry</c>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseBinarySerializer(this CatgaBuilder builder, MessageTypeRegistry registry)
        => builder.UseMessageSerializer(registry, BinaryMessageSerializer.Instance);

    /// <summary>
    /// Registers <paramref name="registry"/> and a <see cref="JsonMessageSerializer"/> over <paramref name="context"/>.
    /// The context is checked here, while the application starts: a message type without a JsonTypeInfo fails now,
    /// with a message naming it, rather than when the first message is sent.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="context">The application's source-generated context, marked <see cref="CatgaJsonContextAttribute"/>.</param>
    /// <param name="registry">The message types, usually the generated <c>Catga.Generated.CatgaMessageTypes.Registry</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A message type has no JsonTypeInfo in <paramref name="context"/>.</exception>
    public static CatgaBuilder UseJsonSerializer(this CatgaBuilder builder, JsonSerializerContext context, MessageTypeRegistry registry)
        => builder.UseMessageSerializer(registry, new JsonMessageSerializer(context, registry));

    /// <summary>
    /// Registers <paramref name="registry"/> and the binary serializer unless a registry or serializer is registered
    /// already. Called by the generated <c>AddGeneratedHandlers()</c>, so one call wires handlers and message types;
    /// <see cref="UseJsonSerializer"/> or <see cref="UseBinarySerializer"/>, before or after it, still decides.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="registry">The generated registry of the project that calls <c>AddGeneratedHandlers()</c>.</param>
    /// <returns>The builder.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static CatgaBuilder AddGeneratedMessageTypes(this CatgaBuilder builder, MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registry);
        builder.Services.TryAdd(ServiceDescriptor.Singleton(registry));
        // An instance, as UseBinarySerializer registers it, so UseMessageSecurity can wrap it.
        builder.Services.TryAdd(ServiceDescriptor.Singleton<IMessageSerializer>(BinaryMessageSerializer.Instance));
        return builder;
    }

    private static CatgaBuilder UseMessageSerializer(this CatgaBuilder builder, MessageTypeRegistry registry, IMessageSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registry);
        builder.Services.Replace(ServiceDescriptor.Singleton(registry));
        builder.Services.Replace(ServiceDescriptor.Singleton(serializer));
        return builder;
    }
}
