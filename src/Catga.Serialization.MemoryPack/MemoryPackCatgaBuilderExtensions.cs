using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Serialization.MemoryPack;

/// <summary>Chooses MemoryPack for message bodies.</summary>
public static class MemoryPackCatgaBuilderExtensions
{
    /// <summary>
    /// Registers <paramref name="registry"/> and <see cref="MemoryPackMessageSerializer"/>. Every message that crosses a
    /// transport must also be <c>[MemoryPackable]</c>. For trusted peers only (see <see cref="MemoryPackMessageSerializer"/>).
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="registry">The message types, usually <c>Catga.Generated.CatgaMessageTypes.Registry</c>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder UseMemoryPackSerializer(this CatgaBuilder builder, MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registry);
        builder.Services.Replace(ServiceDescriptor.Singleton(registry));
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageSerializer>(MemoryPackMessageSerializer.Instance));
        return builder;
    }
}
