using System.Diagnostics.CodeAnalysis;

namespace Catga.Security;

/// <summary>
/// A set of keys, one of them current. Rotation: <see cref="Rotate"/> adds a new key and makes it current (or
/// <see cref="Add"/> on every service first, then <see cref="MakeCurrent"/>, so no service protects with a key another
/// one lacks), while the previous keys still decrypt and verify what was written with them; <see cref="Remove"/> retires
/// a key once nothing written with it remains. Thread-safe: rotation may happen while messages are sent and received.
/// </summary>
public sealed class MessageKeyring : IMessageKeyProvider
{
    private readonly object _gate = new();
    private volatile State _state;

    /// <summary>Creates a keyring whose current key is <paramref name="current"/>.</summary>
    /// <param name="current">The key to protect new messages with.</param>
    /// <param name="previous">Older keys that still decrypt and verify.</param>
    public MessageKeyring(MessageKey current, params MessageKey[] previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        var keys = new Dictionary<string, MessageKey>(StringComparer.Ordinal);
        foreach (var key in previous.Append(current))
        {
            if (!keys.TryAdd(key.Id, key) && !ReferenceEquals(keys[key.Id], key))
            {
                throw new ArgumentException($"Two different message keys have the id '{key.Id}'.", nameof(previous));
            }
        }

        _state = new State(current, keys);
    }

    /// <inheritdoc/>
    public MessageKey Current => _state.Current;

    /// <summary>The ids of every held key.</summary>
    public IReadOnlyCollection<string> KeyIds => _state.Keys.Keys;

    /// <inheritdoc/>
    public bool TryGet(string id, [NotNullWhen(true)] out MessageKey? key) => _state.Keys.TryGetValue(id, out key);

    /// <summary>Makes <paramref name="key"/> current; every key held before stays available for reading.</summary>
    /// <param name="key">The new key. Its id must not be held already.</param>
    public void Rotate(MessageKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_state.Keys.ContainsKey(key.Id))
            {
                throw new ArgumentException($"The keyring already holds a key with id '{key.Id}'; a rotated key needs a new id.", nameof(key));
            }

            _state = new State(key, new Dictionary<string, MessageKey>(_state.Keys, StringComparer.Ordinal) { [key.Id] = key });
        }
    }

    /// <summary>Holds <paramref name="key"/> for reading without making it current: the first step of a rotation, done on
    /// every service before any of them protects with the key (see <see cref="MakeCurrent"/>).</summary>
    /// <param name="key">The key. Its id must not be held already.</param>
    public void Add(MessageKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_state.Keys.ContainsKey(key.Id))
            {
                throw new ArgumentException($"The keyring already holds a key with id '{key.Id}'.", nameof(key));
            }

            _state = new State(_state.Current, new Dictionary<string, MessageKey>(_state.Keys, StringComparer.Ordinal) { [key.Id] = key });
        }
    }

    /// <summary>Makes the held key <paramref name="id"/> current: new messages, and replies to protected requests, are
    /// protected with it. Every key held before stays available for reading.</summary>
    /// <param name="id">The id of a key added with <see cref="Add"/> (or held since construction).</param>
    public void MakeCurrent(string id)
    {
        lock (_gate)
        {
            if (!_state.Keys.TryGetValue(id, out var key))
            {
                throw new ArgumentException($"The keyring holds no key with id '{id}'; add it before making it current.", nameof(id));
            }

            _state = new State(key, _state.Keys);
        }
    }

    /// <summary>Retires a key: messages protected with it can no longer be read. The current key cannot be removed.</summary>
    /// <param name="id">The key id.</param>
    /// <returns>Whether the key was held.</returns>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            if (_state.Current.Id == id)
            {
                throw new InvalidOperationException($"Key '{id}' is the current key; rotate to another key before removing it.");
            }

            var keys = new Dictionary<string, MessageKey>(_state.Keys, StringComparer.Ordinal);
            bool removed = keys.Remove(id);
            _state = new State(_state.Current, keys);
            return removed;
        }
    }

    /// <summary>The current key and the held keys, replaced as a whole so readers never see half a rotation.</summary>
    private sealed record State(MessageKey Current, Dictionary<string, MessageKey> Keys);
}
