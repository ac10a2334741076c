using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Catga.Nats.Protocol;

/// <summary>
/// Parses server operations out of a byte buffer that may end anywhere, even in the middle of a frame. It never
/// consumes a partial frame and it rejects oversized or malformed frames before buffering their bodies, so a
/// hostile server cannot make the client allocate without bound.
/// </summary>
internal sealed class ProtocolParser
{
    /// <summary>
    /// The longest control line accepted. INFO can list many cluster URLs, so this is far above the server's own
    /// 4 KiB limit for client lines, yet small enough that a line without CRLF cannot exhaust memory.
    /// </summary>
    public const int MaxControlLineLength = 64 * 1024;

    /// <summary>Extra room over max_payload for headers the server adds to messages it delivers (e.g. JetStream).</summary>
    private const long PayloadSlack = 64 * 1024;

    private byte[] _line = new byte[512];

    /// <summary>The largest message body accepted: the server's max_payload plus slack.</summary>
    public long MaxMessageSize { get; set; } = 1024 * 1024 + PayloadSlack;

    public void SetMaxPayload(long maxPayload) => MaxMessageSize = maxPayload + PayloadSlack;

    /// <summary>
    /// Parses the next operation from the start of <paramref name="buffer"/>. On success the buffer is sliced past
    /// the operation; when the frame is not complete yet it returns false and leaves the buffer as it was.
    /// </summary>
    /// <exception cref="NatsProtocolException">The bytes are not valid server protocol.</exception>
    public bool TryParse(ref ReadOnlySequence<byte> buffer, out ServerOp op)
    {
        op = default;
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (buffer.Length > MaxControlLineLength)
            {
                throw new NatsProtocolException($"The server sent more than {MaxControlLineLength} bytes without a line end.");
            }

            return false;
        }

        var lineSequence = buffer.Slice(0, newline.Value);
        if (lineSequence.Length > MaxControlLineLength)
        {
            throw new NatsProtocolException($"The server sent a control line longer than {MaxControlLineLength} bytes.");
        }

        var length = (int)lineSequence.Length;
        if (_line.Length < length)
        {
            _line = new byte[Math.Max(length, _line.Length * 2)];
        }

        lineSequence.CopyTo(_line);
        if (length > 0 && _line[length - 1] == (byte)'\r')
        {
            length--;
        }

        var rest = buffer.Slice(buffer.GetPosition(1, newline.Value));
        var line = _line.AsSpan(0, length);
        var opEnd = line.IndexOfAny((byte)' ', (byte)'\t');
        var name = opEnd < 0 ? line : line[..opEnd];
        var args = opEnd < 0 ? ReadOnlySpan<byte>.Empty : line[opEnd..];

        if (EqualsIgnoreCase(name, "MSG"u8))
        {
            if (!TryParseMessage(ServerOpKind.Msg, args, opEnd, ref rest, out op))
            {
                return false;
            }
        }
        else if (EqualsIgnoreCase(name, "HMSG"u8))
        {
            if (!TryParseMessage(ServerOpKind.HMsg, args, opEnd, ref rest, out op))
            {
                return false;
            }
        }
        else if (EqualsIgnoreCase(name, "PING"u8))
        {
            op = new ServerOp(ServerOpKind.Ping);
        }
        else if (EqualsIgnoreCase(name, "PONG"u8))
        {
            op = new ServerOp(ServerOpKind.Pong);
        }
        else if (EqualsIgnoreCase(name, "+OK"u8))
        {
            op = new ServerOp(ServerOpKind.Ok);
        }
        else if (EqualsIgnoreCase(name, "-ERR"u8))
        {
            var message = args.Trim(" \t"u8).Trim((byte)'\'');
            op = new ServerOp(ServerOpKind.Err, Encoding.UTF8.GetString(message));
        }
        else if (EqualsIgnoreCase(name, "INFO"u8))
        {
            op = new ServerOp(ServerOpKind.Info, Encoding.UTF8.GetString(args.Trim(" \t"u8)));
        }
        else
        {
            throw new NatsProtocolException($"The server sent an unknown operation '{Printable(name)}'.");
        }

        buffer = rest;
        return true;
    }

    private bool TryParseMessage(ServerOpKind kind, ReadOnlySpan<byte> args, int argsOffset, ref ReadOnlySequence<byte> rest, out ServerOp op)
    {
        op = default;
        Span<Range> tokens = stackalloc Range[6];
        var count = Tokenize(args, tokens);
        var opName = kind == ServerOpKind.Msg ? "MSG" : "HMSG";
        var sizes = kind == ServerOpKind.Msg ? 1 : 2;
        if (count < 2 + sizes || count > 3 + sizes)
        {
            throw new NatsProtocolException($"The server sent {opName} with {count} arguments: '{Printable(args)}'.");
        }

        var sid = ParseNumber(args[tokens[1]], opName, "sid");
        var totalSize = ParseNumber(args[tokens[count - 1]], opName, "size");
        var headerSize = sizes == 2 ? ParseNumber(args[tokens[count - 2]], opName, "header size") : 0;
        if (totalSize > MaxMessageSize)
        {
            throw new NatsProtocolException($"The server declared a {opName} of {totalSize} bytes, more than the {MaxMessageSize} bytes allowed (max_payload plus header slack).");
        }

        if (headerSize > totalSize)
        {
            throw new NatsProtocolException($"The server declared an HMSG whose header size {headerSize} exceeds its total size {totalSize}.");
        }

        if (rest.Length < totalSize + 2)
        {
            return false;
        }

        var body = rest.Slice(0, totalSize);
        var terminator = rest.Slice(totalSize, 2);
        Span<byte> end = stackalloc byte[2];
        terminator.CopyTo(end);
        if (end[0] != (byte)'\r' || end[1] != (byte)'\n')
        {
            throw new NatsProtocolException($"The {opName} payload of {totalSize} bytes is not followed by CRLF.");
        }

        rest = rest.Slice(totalSize + 2);
        var memory = _line.AsMemory(argsOffset < 0 ? 0 : argsOffset);
        var subject = memory[tokens[0]];
        var replyTo = count == 3 + sizes ? memory[tokens[2]] : ReadOnlyMemory<byte>.Empty;
        op = new ServerOp(kind, subject, sid, replyTo, body.Slice(0, headerSize), body.Slice(headerSize));
        return true;
    }

    /// <summary>Splits on runs of spaces and tabs; returns the token count, or more than the span holds when there are too many.</summary>
    private static int Tokenize(ReadOnlySpan<byte> text, Span<Range> tokens)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == (byte)' ' || text[i] == (byte)'\t'))
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            var start = i;
            while (i < text.Length && text[i] != (byte)' ' && text[i] != (byte)'\t')
            {
                i++;
            }

            if (count == tokens.Length)
            {
                return count + 1;
            }

            tokens[count++] = new Range(start, i);
        }

        return count;
    }

    private static long ParseNumber(ReadOnlySpan<byte> token, string opName, string what)
    {
        if (!Utf8Parser.TryParse(token, out long value, out var consumed) || consumed != token.Length || value < 0)
        {
            throw new NatsProtocolException($"The server sent {opName} with an invalid {what} '{Printable(token)}'.");
        }

        return value;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> upper)
    {
        if (value.Length != upper.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= (byte)'a' and <= (byte)'z')
            {
                c -= 32;
            }

            if (c != upper[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders at most 64 bytes of untrusted input for an error message, with control bytes escaped.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, 64)])
        {
            builder.Append(b is >= 32 and < 127 ? (char)b : '?');
        }

        if (bytes.Length > 64)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
