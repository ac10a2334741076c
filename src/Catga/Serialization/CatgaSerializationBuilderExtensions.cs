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

    private static CatgaBuilder UseMessageSerializer(this CatgaBuilder builder, MessageTypeRegistry registry, IMessageSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registry);
        builder.Services.Replace(ServiceDescriptor.Singleton(registry));
        builder.Services.Replace(ServiceDescriptor.Singleton(serializer));
        return builder;
    }
}
