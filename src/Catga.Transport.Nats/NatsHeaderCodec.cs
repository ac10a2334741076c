using System.Text;
using NATS.Client.Core;

namespace Catga.Transport.Nats;

/// <summary>
/// Converts <see cref="MessageHeaders"/> to NATS headers and back, exactly. NATS headers are an HTTP-like ASCII
/// format and the server and other clients trim spaces around values, so a value that is not plain printable ASCII
/// without leading or trailing spaces (or that looks like an encoded value) is sent as
/// <c>=?utf-8?b?&lt;base64 of its UTF-8&gt;?=</c> and decoded on receipt. Names are printable ASCII already.
/// </summary>
internal static class NatsHeaderCodec
{
    /// <summary>The header JetStream deduplicates by; set from <see cref="MessageHeaderNames.MessageId"/>.</summary>
    public const string NatsMsgId = "Nats-Msg-Id";

    private const string EncodedStart = "=?utf-8?b?";
    private const string EncodedEnd = "?=";

    public static NatsHeaders ToNats(MessageHeaders headers) => ToNats(headers, out _);

    /// <summary>Converts the headers and counts the bytes they take on the wire (<c>name: value\r\n</c> each).</summary>
    public static NatsHeaders ToNats(MessageHeaders headers, out int wireBytes)
    {
        // Sized once, with room for the Nats-Msg-Id header a JetStream publish adds.
        var result = new NatsHeaders(headers.Count + 1);
        int bytes = 0;
        foreach (var header in headers)
        {
            var value = Encode(header.Value);
            result.Add(header.Key, value);
            bytes += header.Key.Length + value.Length + 4;
        }

        wireBytes = bytes;
        return result;
    }

    public static MessageHeaders FromNats(NatsHeaders? headers)
    {
        if (headers is null)
        {
            return new MessageHeaders(0);
        }

        var result = new MessageHeaders(headers.Count);

        foreach (var header in headers)
        {
            if (string.Equals(header.Key, NatsMsgId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // A name sent twice by another client arrives as several values: the last one wins, as MessageHeaders.Set does.
            if (IsRepresentable(header.Key) && header.Value.Count > 0 && header.Value[header.Value.Count - 1] is { } value)
            {
                result.Set(header.Key, Decode(value));
            }
        }

        return result;
    }

    /// <summary>Whether <see cref="MessageHeaders"/> accepts the name: another client may send names it does not
    /// (with spaces or non-ASCII); such headers are skipped rather than failing the delivery.</summary>
    private static bool IsRepresentable(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c <= ' ' || c == ':' || c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    public static string Encode(string value)
    {
        if (!NeedsEncoding(value))
        {
            return value;
        }

        return EncodedStart + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + EncodedEnd;
    }

    public static string Decode(string value)
    {
        if (value.Length < EncodedStart.Length + EncodedEnd.Length
            || !value.StartsWith(EncodedStart, StringComparison.Ordinal)
            || !value.EndsWith(EncodedEnd, StringComparison.Ordinal))
        {
            return value;
        }

        var base64 = value.AsSpan(EncodedStart.Length, value.Length - EncodedStart.Length - EncodedEnd.Length);
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64Chars(base64, bytes, out int written) ? Encoding.UTF8.GetString(bytes, 0, written) : value;
    }

    private static bool NeedsEncoding(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        if (value[0] == ' ' || value[^1] == ' ' || value.StartsWith(EncodedStart, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (char c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return true;
            }
        }

        return false;
    }
}
