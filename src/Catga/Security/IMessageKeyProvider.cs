using System.Diagnostics.CodeAnalysis;

namespace Catga.Security;

/// <summary>
/// Where message keys come from: a key vault, configuration, a file. Senders use <see cref="Current"/>; receivers look
/// a key up by the id that came with the message, so keys that are no longer current still decrypt older messages
/// until they are removed. <see cref="MessageKeyring"/> is a ready-made implementation.
/// </summary>
public interface IMessageKeyProvider
{
    /// <summary>The key new messages are protected with.</summary>
    MessageKey Current { get; }

    /// <summary>Finds a held key by id.</summary>
    /// <param name="id">The key id that came with a message.</param>
    /// <param name="key">The key, when held.</param>
    /// <returns>Whether the key is held.</returns>
    bool TryGet(string id, [NotNullWhen(true)] out MessageKey? key);
}
