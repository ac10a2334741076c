using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Catga.Redis.Protocol;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings straight into a pooled buffer writer, without intermediate
/// strings or arrays.
/// </summary>
internal readonly struct RespWriter
{
    /// <summary>Room for a type marker, a 20-digit length and CRLF.</summary>
    private const int HeaderRoom = 24;

    private readonly IBufferWriter<byte> _output;

    public RespWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>Writes <c>*count\r\n</c> followed by the pre-encoded command name.</summary>
    public void WriteCommand(int argumentCount, ReadOnlySpan<byte> encodedName)
    {
        WriteHeader((byte)'*', argumentCount + 1);
        _output.Write(encodedName);
    }

    /// <summary>Writes <c>*count\r\n</c> and the command name, encoding it now.</summary>
    public void WriteCommand(int argumentCount, string name)
    {
        WriteHeader((byte)'*', argumentCount + 1);
        WriteBulk(name);
    }

    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        Span<byte> span = _output.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        _output.Advance(value.Length + 2);
    }

    public void WriteBulk(string value)
    {
        if (value.Length < 256 && Ascii.IsValid(value))
        {
            // Keys and command words are usually short ASCII: one span, no counting pass.
            Span<byte> span = _output.GetSpan(value.Length + HeaderRoom + 2);
            int header = FormatHeader(span, (byte)'$', value.Length);
            Encoding.ASCII.GetBytes(value, span[header..]);
            int end = header + value.Length;
            span[end] = (byte)'\r';
            span[end + 1] = (byte)'\n';
            _output.Advance(end + 2);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        WriteHeader((byte)'$', length);
        Span<byte> body = _output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(value, body);
        body[length] = (byte)'\r';
        body[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    public void WriteBulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int written);
        WriteBulk(digits[..written]);
    }

    public void WriteBulk(in RedisValue value)
    {
        RespWriter self = this;
        value.WriteTo(ref self);
    }

    private void WriteHeader(byte marker, long length)
    {
        Span<byte> span = _output.GetSpan(HeaderRoom);
        _output.Advance(FormatHeader(span, marker, length));
    }

    private static int FormatHeader(Span<byte> span, byte marker, long length)
    {
        span[0] = marker;
        Utf8Formatter.TryFormat(length, span[1..], out int written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        return written + 3;
    }

    /// <summary>Encodes a command name once, as a complete bulk string, for <see cref="WriteCommand(int, ReadOnlySpan{byte})"/>.</summary>
    public static byte[] EncodeName(string name)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new RespWriter(buffer).WriteBulk(name);
        return buffer.WrittenSpan.ToArray();
    }
}
