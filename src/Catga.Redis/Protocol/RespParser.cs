using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Catga.Redis.Protocol;

/// <summary>
/// Parses RESP2 and RESP3 replies from buffered bytes. A reply is only materialised once it is complete, so a
/// truncated frame costs nothing but a re-scan when more bytes arrive, and every declared length is checked against
/// <see cref="RedisProtocolLimits"/> before anything is allocated for it.
/// </summary>
internal static class RespParser
{
    /// <summary>
    /// Reads one complete reply from the front of <paramref name="buffer"/>.
    /// </summary>
    /// <returns>True and the reply, with <paramref name="buffer"/> sliced past it; false when more bytes are needed.</returns>
    /// <exception cref="RedisProtocolException">The bytes are not valid RESP or exceed a limit.</exception>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, RedisProtocolLimits limits, out RedisReply reply)
    {
        reply = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        byte marker = buffer.FirstSpan[0];
        if (marker is (byte)'*' or (byte)'%' or (byte)'~' or (byte)'|' or (byte)'>')
        {
            // Aggregates are scanned first without allocating, so an incomplete array is not built again and again.
            if (!TryRead(ref reader, limits, 0, materialize: false, out _))
            {
                ThrowIfOversized(buffer, limits);
                return false;
            }

            reader = new SequenceReader<byte>(buffer);
        }

        if (!TryRead(ref reader, limits, 0, materialize: true, out reply))
        {
            ThrowIfOversized(buffer, limits);
            return false;
        }

        if (reader.Consumed > limits.MaxFrameLength)
        {
            throw FrameTooLong(reader.Consumed, limits);
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static void ThrowIfOversized(ReadOnlySequence<byte> buffer, RedisProtocolLimits limits)
    {
        if (buffer.Length > limits.MaxFrameLength)
        {
            throw FrameTooLong(buffer.Length, limits);
        }
    }

    private static RedisProtocolException FrameTooLong(long length, RedisProtocolLimits limits) =>
        new($"A reply of at least {length} bytes exceeds the frame limit of {limits.MaxFrameLength} bytes.");

    private static bool TryRead(
        ref SequenceReader<byte> reader, RedisProtocolLimits limits, int depth, bool materialize, out RedisReply reply)
    {
        reply = default;
        if (!reader.TryRead(out byte marker))
        {
            return false;
        }

        ReadOnlySpan<byte> line;
        switch (marker)
        {
            case (byte)'+':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                if (materialize)
                {
                    reply = RedisReply.SimpleString(line);
                }

                return true;

            case (byte)'-':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                if (materialize)
                {
                    reply = RedisReply.Bytes(RedisReplyType.Error, line.ToArray());
                }

                return true;

            case (byte)':':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                reply = RedisReply.Integer(ParseInteger(line, "integer"));
                return true;

            case (byte)'_':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                if (!line.IsEmpty)
                {
                    throw Invalid("null", line);
                }

                reply = RedisReply.Null;
                return true;

            case (byte)'#':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                reply = line.Length == 1 && line[0] == (byte)'t' ? RedisReply.Boolean(true)
                    : line.Length == 1 && line[0] == (byte)'f' ? RedisReply.Boolean(false)
                    : throw Invalid("boolean", line);
                return true;

            case (byte)',':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                reply = RedisReply.TryParseDouble(line, out double number)
                    ? RedisReply.Double(number)
                    : throw Invalid("double", line);
                return true;

            case (byte)'(':
                if (!TryReadLine(ref reader, limits, out line))
                {
                    return false;
                }

                if (!IsBigNumber(line))
                {
                    throw Invalid("big number", line);
                }

                if (materialize)
                {
                    reply = RedisReply.Bytes(RedisReplyType.BigNumber, line.ToArray());
                }

                return true;

            case (byte)'$':
                return TryReadBlob(ref reader, limits, RedisReplyType.BulkString, materialize, out reply);
            case (byte)'!':
                return TryReadBlob(ref reader, limits, RedisReplyType.Error, materialize, out reply);
            case (byte)'=':
                return TryReadBlob(ref reader, limits, RedisReplyType.VerbatimString, materialize, out reply);
            case (byte)'*':
                return TryReadAggregate(ref reader, limits, depth, RedisReplyType.Array, 1, materialize, out reply);
            case (byte)'~':
                return TryReadAggregate(ref reader, limits, depth, RedisReplyType.Set, 1, materialize, out reply);
            case (byte)'>':
                return TryReadAggregate(ref reader, limits, depth, RedisReplyType.Push, 1, materialize, out reply);
            case (byte)'%':
                return TryReadAggregate(ref reader, limits, depth, RedisReplyType.Map, 2, materialize, out reply);
            case (byte)'|':
                if (!TryReadAggregate(ref reader, limits, depth, RedisReplyType.Map, 2, materialize, out RedisReply attributes))
                {
                    return false;
                }

                // The attribute describes the reply that follows it; counting it as one more level of nesting
                // bounds the recursion even for a stream of attributes.
                if (!TryRead(ref reader, limits, depth + 1, materialize, out reply))
                {
                    return false;
                }

                if (materialize)
                {
                    reply = reply.WithAttributes(attributes.Elements.ToArray());
                }

                return true;

            default:
                throw new RedisProtocolException(
                    $"Unexpected RESP type marker '{Printable(marker)}' (0x{marker:X2}) at the start of a reply.");
        }
    }

    private static bool TryReadBlob(
        ref SequenceReader<byte> reader, RedisProtocolLimits limits, RedisReplyType type, bool materialize, out RedisReply reply)
    {
        reply = default;
        if (!TryReadLine(ref reader, limits, out ReadOnlySpan<byte> line))
        {
            return false;
        }

        if (line.Length == 1 && line[0] == (byte)'?')
        {
            throw new RedisProtocolException("Streamed RESP3 strings ($?) are not supported.");
        }

        long length = ParseInteger(line, "length");
        if (length == -1 && type == RedisReplyType.BulkString)
        {
            // RESP2's null bulk string.
            reply = RedisReply.Null;
            return true;
        }

        if (length < 0)
        {
            throw new RedisProtocolException($"Negative length {length} declared for a {type}.");
        }

        if (length > limits.MaxBulkLength || length > Array.MaxLength)
        {
            throw new RedisProtocolException(
                $"Declared {type} length {length} exceeds the limit of {Math.Min(limits.MaxBulkLength, Array.MaxLength)} bytes.");
        }

        if (reader.Consumed + length > limits.MaxFrameLength)
        {
            throw FrameTooLong(reader.Consumed + length, limits);
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        if (type == RedisReplyType.VerbatimString
            && (length < 4 || !reader.TryPeek(3, out byte colon) || colon != (byte)':'))
        {
            throw new RedisProtocolException("A verbatim string must start with a three-letter format and ':'.");
        }

        byte[]? bytes = null;
        if (materialize)
        {
            bytes = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)length);
            reader.TryCopyTo(bytes);
        }

        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException($"A {type} of {length} bytes is not followed by CRLF.");
        }

        if (bytes is not null)
        {
            reply = RedisReply.Bytes(type, bytes);
        }

        return true;
    }

    private static bool TryReadAggregate(
        ref SequenceReader<byte> reader,
        RedisProtocolLimits limits,
        int depth,
        RedisReplyType type,
        int elementsPerEntry,
        bool materialize,
        out RedisReply reply)
    {
        reply = default;
        if (!TryReadLine(ref reader, limits, out ReadOnlySpan<byte> line))
        {
            return false;
        }

        if (line.Length == 1 && line[0] == (byte)'?')
        {
            throw new RedisProtocolException("Streamed RESP3 aggregates (?) are not supported.");
        }

        long count = ParseInteger(line, "length");
        if (count == -1 && type == RedisReplyType.Array)
        {
            // RESP2's null array.
            reply = RedisReply.Null;
            return true;
        }

        if (count < 0)
        {
            throw new RedisProtocolException($"Negative length {count} declared for a {type}.");
        }

        if (count > limits.MaxAggregateLength)
        {
            throw new RedisProtocolException(
                $"Declared {type} length {count} exceeds the limit of {limits.MaxAggregateLength} elements.");
        }

        if (depth >= limits.MaxNestingDepth)
        {
            throw new RedisProtocolException($"Replies nested deeper than {limits.MaxNestingDepth} levels are not accepted.");
        }

        int elements = (int)(count * elementsPerEntry);

        // Every element takes at least three bytes, so an array is only allocated once its bytes have arrived
        // (the scanning pass ran first); a huge declared count alone cannot force a huge allocation.
        RedisReply[]? items = materialize ? (elements == 0 ? [] : new RedisReply[elements]) : null;
        for (int i = 0; i < elements; i++)
        {
            if (!TryRead(ref reader, limits, depth + 1, materialize, out RedisReply item))
            {
                return false;
            }

            if (items is not null)
            {
                items[i] = item;
            }
        }

        if (items is not null)
        {
            reply = RedisReply.Aggregate(type, items);
        }

        return true;
    }

    private static bool TryReadLine(scoped ref SequenceReader<byte> reader, RedisProtocolLimits limits, out ReadOnlySpan<byte> line)
    {
        if (reader.TryReadTo(out line, "\r\n"u8, advancePastDelimiter: true))
        {
            if (line.Length > limits.MaxLineLength)
            {
                throw LineTooLong(limits);
            }

            return true;
        }

        if (reader.Remaining > limits.MaxLineLength + 2)
        {
            throw LineTooLong(limits);
        }

        return false;
    }

    private static RedisProtocolException LineTooLong(RedisProtocolLimits limits) =>
        new($"A RESP line is longer than the limit of {limits.MaxLineLength} bytes, or is not terminated by CRLF.");

    private static long ParseInteger(ReadOnlySpan<byte> line, string what)
    {
        if (line.Length is > 0 and <= 20
            && line[0] != (byte)'+'
            && Utf8Parser.TryParse(line, out long value, out int consumed)
            && consumed == line.Length)
        {
            return value;
        }

        throw Invalid(what, line);
    }

    private static bool IsBigNumber(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> digits = line.Length > 0 && line[0] == (byte)'-' ? line[1..] : line;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    private static RedisProtocolException Invalid(string what, ReadOnlySpan<byte> line)
    {
        string text = Encoding.ASCII.GetString(line[..Math.Min(line.Length, 40)]);
        return new RedisProtocolException($"Invalid RESP {what}: '{text}'.");
    }

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : "?";
}
