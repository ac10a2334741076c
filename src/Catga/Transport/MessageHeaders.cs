using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Catga.Transport;

/// <summary>
/// The headers of one transport message: a small ordered list of name/value pairs with case-insensitive names (most
/// messages carry fewer than ten, so a list beats a dictionary). Setting a name replaces its value.
/// </summary>
public sealed class MessageHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _items;

    /// <summary>Creates empty headers.</summary>
    public MessageHeaders() => _items = new(8);

    /// <summary>Creates empty headers with room for <paramref name="capacity"/> (a transport that knows how many it
    /// reads, or a reply that carries one).</summary>
    /// <param name="capacity">The expected number of headers.</param>
    internal MessageHeaders(int capacity) => _items = new(capacity);

    /// <summary>Creates a copy of <paramref name="other"/>.</summary>
    /// <param name="other">The headers to copy.</param>
    public MessageHeaders(MessageHeaders other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _items = new(other._items);
    }

    /// <summary>The number of headers.</summary>
    public int Count => _items.Count;

    /// <summary>Gets the value of <paramref name="name"/>, or <see langword="null"/>; setting replaces or adds it.</summary>
    /// <param name="name">The header name.</param>
    public string? this[string name]
    {
        get => TryGetValue(name, out var value) ? value : null;
        set
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                Set(name, value);
            }
        }
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>, replacing an earlier value.</summary>
    /// <param name="name">The header name: not empty, no control characters, no ':' (so it is valid on every transport).</param>
    /// <param name="value">The value: no CR or LF.</param>
    /// <returns>These headers.</returns>
    public MessageHeaders Set(string name, string value)
    {
        Validate(name, value);
        for (int i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                _items[i] = new(name, value);
                return this;
            }
        }

        _items.Add(new(name, value));
        return this;
    }

    /// <summary>Gets the value of <paramref name="name"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the header is present.</returns>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = item.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Removes <paramref name="name"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <returns><see langword="true"/> when it was present.</returns>
    public bool Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                _items.RemoveAt(i);
                return true;
            }
        }

        return false;
    }

    /// <summary>Enumerates the headers in the order they were added.</summary>
    /// <returns>The enumerator.</returns>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private static void Validate(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        foreach (char c in name)
        {
            if (c <= ' ' || c == ':' || c >= 0x7F)
            {
                throw new ArgumentException($"The header name '{name}' contains '{(c < ' ' ? "\\x" + ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : c.ToString())}'; names must be printable ASCII without spaces or ':'.", nameof(name));
            }
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"The value of header '{name}' contains a line break.", nameof(value));
        }
    }
}
