namespace Catga.Security;

/// <summary>Configures message security: where keys come from, and which wire names need protection beyond what their
/// types declare with <see cref="CatgaProtectedAttribute"/>.</summary>
public sealed class MessageSecurityOptions
{
    private readonly Dictionary<string, MessageProtection> _byName = new(StringComparer.Ordinal);

    /// <summary>The keys. Required.</summary>
    public IMessageKeyProvider? Keys { get; set; }

    /// <summary>Requires <paramref name="protection"/> for the message with wire name (and so destination, by default)
    /// <paramref name="wireName"/>, for example for a destination that crosses a trust boundary. The stronger of this and
    /// the type's own attribute applies.</summary>
    /// <param name="wireName">The wire name.</param>
    /// <param name="protection">The protection.</param>
    /// <returns>The options.</returns>
    public MessageSecurityOptions Protect(string wireName, MessageProtection protection)
    {
        ArgumentException.ThrowIfNullOrEmpty(wireName);
        _byName[wireName] = protection;
        return this;
    }

    /// <summary>Requires <paramref name="protection"/> for message type <typeparamref name="TMessage"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="protection">The protection.</param>
    /// <returns>The options.</returns>
    public MessageSecurityOptions Protect<TMessage>(MessageProtection protection)
        where TMessage : Serialization.ISerializableMessage<TMessage>
        => Protect(TMessage.MessageTypeName, protection);

    internal IReadOnlyDictionary<string, MessageProtection> ByName => _byName;
}
