using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Text;

namespace Catga.Nats;

/// <summary>
/// NATS message headers: an ordered list of key/value pairs in which a key may repeat, plus the status line the
/// server uses for control messages (<c>NATS/1.0 503</c>, <c>NATS/1.0 408 Request Timeout</c>).
/// Keys are compared case-sensitively, as the server does.
/// </summary>
public sealed class NatsHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private static ReadOnlySpan<byte> Version => "NATS/1.0"u8;

    private readonly List<KeyValuePair<string, string>> _entries = new();

    /// <summary>The status code of the header line, or 0 when the line carries none.</summary>
    public int StatusCode { get; set; }

    /// <summary>The description after the status code, or an empty string.</summary>
    public string StatusDescription { get; set; } = string.Empty;

    /// <summary>How many key/value pairs there are (a repeated key counts once per value).</summary>
    public int Count => _entries.Count;

    /// <summary>The first value of a key, or null when absent.</summary>
    /// <param name="key">The header key.</param>
    public string? this[string key]
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (entry.Key == key)
                {
                    return entry.Value;
                }
            }

            return null;
        }
    }

    /// <summary>Adds a value to a key, keeping values already present.</summary>
    /// <param name="key">The header key: printable ASCII without ':' or whitespace.</param>
    /// <param name="value">The value: no CR or LF.</param>
    /// <returns>This instance, so additions can be chained.</returns>
    public NatsHeaders Add(string key, string value)
    {
        ValidateKey(key);
        ValidateValue(value);
        _entries.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>Replaces every value of a key with one value.</summary>
    /// <param name="key">The header key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance, so calls can be chained.</returns>
    public NatsHeaders Set(string key, string value)
    {
        Remove(key);
        return Add(key, value);
    }

    /// <summary>Removes every value of a key.</summary>
    /// <param name="key">The header key.</param>
    /// <returns>Whether anything was removed.</returns>
    public bool Remove(string key) => _entries.RemoveAll(e => e.Key == key) > 0;

    /// <summary>Every value of a key, in the order they were added or received.</summary>
    /// <param name="key">The header key.</param>
    /// <returns>The values; empty when the key is absent.</returns>
    public IReadOnlyList<string> GetAll(string key)
    {
        var values = new List<string>();
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                values.Add(entry.Value);
            }
        }

        return values;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The number of bytes <see cref="Write"/> produces.</summary>
    internal int GetSerializedLength()
    {
        var length = Version.Length + 2;
        if (StatusCode != 0)
        {
            length += 4 + (StatusDescription.Length == 0 ? 0 : 1 + Encoding.UTF8.GetByteCount(StatusDescription));
        }

        foreach (var entry in _entries)
        {
            length += Encoding.UTF8.GetByteCount(entry.Key) + 2 + Encoding.UTF8.GetByteCount(entry.Value) + 2;
        }

        return length + 2;
    }

    /// <summary>Writes the wire form: the version line, one line per pair, and the empty line that ends the block.</summary>
    internal int Write(Span<byte> destination)
    {
        Version.CopyTo(destination);
        var written = Version.Length;
        if (StatusCode != 0)
        {
            destination[written++] = (byte)' ';
            Utf8Formatter.TryFormat(StatusCode, destination[written..], out var digits);
            written += digits;
            if (StatusDescription.Length != 0)
            {
                destination[written++] = (byte)' ';
                written += Encoding.UTF8.GetBytes(StatusDescription, destination[written..]);
            }
        }

        written += WriteCrLf(destination[written..]);
        foreach (var entry in _entries)
        {
            written += Encoding.UTF8.GetBytes(entry.Key, destination[written..]);
            destination[written++] = (byte)':';
            destination[written++] = (byte)' ';
            written += Encoding.UTF8.GetBytes(entry.Value, destination[written..]);
            written += WriteCrLf(destination[written..]);
        }

        written += WriteCrLf(destination[written..]);
        return written;
    }

    /// <summary>Parses a header block received in an HMSG.</summary>
    /// <exception cref="NatsProtocolException">The block does not start with NATS/1.0 or a line has no ':'.</exception>
    internal static NatsHeaders Parse(ReadOnlySequence<byte> block)
    {
        var bytes = block.IsSingleSegment ? block.FirstSpan : block.ToArray();
        var headers = new NatsHeaders();
        var lineEnd = bytes.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !bytes.StartsWith(Version))
        {
            throw new NatsProtocolException("An HMSG header block does not start with 'NATS/1.0\\r\\n'.");
        }

        var statusLine = bytes[Version.Length..lineEnd].Trim((byte)' ');
        if (statusLine.Length >= 3 && Utf8Parser.TryParse(statusLine[..3], out int status, out var consumed) && consumed == 3)
        {
            headers.StatusCode = status;
            headers.StatusDescription = Encoding.UTF8.GetString(statusLine[3..].Trim((byte)' '));
        }

        var rest = bytes[(lineEnd + 2)..];
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd <= 0)
            {
                break;
            }

            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new NatsProtocolException("An HMSG header line has no key followed by ':'.");
            }

            var key = Encoding.UTF8.GetString(line[..colon].Trim((byte)' '));
            var value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' '));
            headers._entries.Add(new KeyValuePair<string, string>(key, value));
        }

        return headers;
    }

    private static int WriteCrLf(Span<byte> destination)
    {
        destination[0] = (byte)'\r';
        destination[1] = (byte)'\n';
        return 2;
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            if (c <= ' ' || c == ':' || c >= 127)
            {
                throw new ArgumentException($"Header key '{key}' must be printable ASCII without ':' or whitespace.", nameof(key));
            }
        }
    }

    private static void ValidateValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A header value must not contain CR or LF.", nameof(value));
        }
    }
}
