using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using StackExchange.Redis;
using Catga.Transport;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// How a message is laid out in a stream entry: one field per header (<c>h:{name}</c>, the value as UTF-8), the body
/// in <c>body</c> as the exact bytes, and transport fields: <c>catga-delivery</c> (deliveries before this entry was
/// added, carried by retries), <c>catga-reply-to</c> and <c>catga-request-id</c> (requests). Replies are published on
/// the requester's reply channel in a small binary frame.
/// </summary>
internal static class RedisStreamsEntryCodec
{
    public const string HeaderPrefix = "h:";
    public const string BodyField = "body";
    public const string DeliveryField = "catga-delivery";
    public const string ReplyToField = "catga-reply-to";
    public const string RequestIdField = "catga-request-id";

    /// <summary>The script arguments: the wake-up channel, then the XADD arguments after the key (optional trimming,
    /// "*", then the fields).</summary>
    public static RedisValue[] SendArguments(string channel, TransportMessage message, long? maxLength, string? replyTo = null, string? requestId = null)
    {
        var arguments = new List<RedisValue>(10 + (2 * message.Headers.Count)) { channel };
        if (maxLength is { } max)
        {
            arguments.Add("MAXLEN");
            arguments.Add("~");
            arguments.Add(max);
        }

        arguments.Add("*");
        foreach (var header in message.Headers)
        {
            arguments.Add(HeaderPrefix + header.Key);
            arguments.Add(header.Value);
        }

        if (replyTo is not null && requestId is not null)
        {
            arguments.Add(ReplyToField);
            arguments.Add(replyTo);
            arguments.Add(RequestIdField);
            arguments.Add(requestId);
        }

        // The body goes last and always, even when empty, so an entry always has at least one field.
        arguments.Add(BodyField);
        arguments.Add(message.Body);
        return [.. arguments];
    }

    /// <summary>
    /// Reads an entry. Never throws: a field that is not a valid header (bad name, line break in the value) is left
    /// out, a missing body is an empty body, an unreadable delivery count is 0. Such a message still reaches the
    /// handler, and Catga dead-letters what it cannot deserialize.
    /// </summary>
    public static DecodedEntry Decode(ReadOnlySpan<NameValueEntry> fields)
    {
        var headers = new MessageHeaders();
        ReadOnlyMemory<byte> body = ReadOnlyMemory<byte>.Empty;
        int earlier = 0;
        string? replyTo = null;
        string? requestId = null;
        foreach (NameValueEntry field in fields)
        {
            string name = (string?)field.Name ?? "";
            byte[] value = (byte[]?)field.Value ?? [];
            if (name.StartsWith(HeaderPrefix, StringComparison.Ordinal))
            {
                TrySetHeader(headers, name[HeaderPrefix.Length..], value);
            }
            else if (name == BodyField)
            {
                body = value;
            }
            else if (name == DeliveryField)
            {
                earlier = int.TryParse(Encoding.UTF8.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0 && n < int.MaxValue / 2 ? n : 0;
            }
            else if (name == ReplyToField)
            {
                replyTo = Encoding.UTF8.GetString(value);
            }
            else if (name == RequestIdField)
            {
                requestId = Encoding.UTF8.GetString(value);
            }
        }

        return new DecodedEntry(new TransportMessage(headers, body), earlier, replyTo, requestId);
    }

    /// <summary>Reads an entry returned by a script as a flat field/value array.</summary>
    public static DecodedEntry Decode(RedisResult[] flat)
    {
        var fields = new NameValueEntry[flat.Length / 2];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = new NameValueEntry((RedisValue)flat[2 * i], (RedisValue)flat[(2 * i) + 1]);
        }

        return Decode(fields);
    }

    private static void TrySetHeader(MessageHeaders headers, string name, byte[] value)
    {
        try
        {
            headers.Set(name, Encoding.UTF8.GetString(value));
        }
        catch (ArgumentException)
        {
            // Not a header Catga could have written: skip it rather than fail the whole entry.
        }
    }

    /// <summary>A reply frame: [u16 id length][id][u16 header count]([u16 len][name][i32 len][value])*[body].</summary>
    public static byte[] EncodeReply(string requestId, TransportMessage reply)
    {
        int size = 2 + Encoding.UTF8.GetByteCount(requestId) + 2 + reply.Body.Length;
        foreach (var header in reply.Headers)
        {
            size += 2 + Encoding.UTF8.GetByteCount(header.Key) + 4 + Encoding.UTF8.GetByteCount(header.Value);
        }

        var frame = new byte[size];
        int at = WriteString(frame, 0, requestId, 2);
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(at), checked((ushort)reply.Headers.Count));
        at += 2;
        foreach (var header in reply.Headers)
        {
            at = WriteString(frame, at, header.Key, 2);
            at = WriteString(frame, at, header.Value, 4);
        }

        reply.Body.Span.CopyTo(frame.AsSpan(at));
        return frame;
    }

    /// <summary>Reads a reply frame; false when it is malformed.</summary>
    public static bool TryDecodeReply(byte[] frame, out string requestId, out TransportMessage? reply)
    {
        requestId = "";
        reply = null;
        try
        {
            int at = 0;
            requestId = ReadString(frame, ref at, 2);
            int count = BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(at));
            at += 2;
            var headers = new MessageHeaders();
            for (int i = 0; i < count; i++)
            {
                string name = ReadString(frame, ref at, 2);
                string value = ReadString(frame, ref at, 4);
                headers.Set(name, value);
            }

            reply = new TransportMessage(headers, frame.AsMemory(at));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static int WriteString(byte[] frame, int at, string text, int lengthSize)
    {
        int length = Encoding.UTF8.GetBytes(text, frame.AsSpan(at + lengthSize));
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(at), checked((ushort)length));
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(at), length);
        }

        return at + lengthSize + length;
    }

    private static string ReadString(byte[] frame, ref int at, int lengthSize)
    {
        int length = lengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(at))
            : BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(at));
        at += lengthSize;
        if (length < 0 || length > frame.Length - at)
        {
            throw new ArgumentException("A length runs past the end of the reply frame.");
        }

        string text = Encoding.UTF8.GetString(frame, at, length);
        at += length;
        return text;
    }
}

/// <summary>An entry read back as a message.</summary>
/// <param name="Message">Headers and body.</param>
/// <param name="EarlierDeliveries">Deliveries before this entry was added (retries carry the count forward).</param>
/// <param name="ReplyTo">The reply channel of a request.</param>
/// <param name="RequestId">The request id of a request.</param>
internal sealed record DecodedEntry(TransportMessage Message, int EarlierDeliveries, string? ReplyTo, string? RequestId);
