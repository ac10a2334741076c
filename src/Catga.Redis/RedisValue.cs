using System.Globalization;
using System.Text;

namespace Catga.Redis;

/// <summary>
/// A command argument: text (sent as UTF-8), bytes, or a number (sent in its invariant decimal form).
/// Converts implicitly from the types it holds, so typed commands take it without overloads per type.
/// </summary>
public readonly struct RedisValue
{
    private enum Kind : byte
    {
        Null,
        Text,
        Bytes,
        Integer,
        Double,
    }

    private readonly Kind _kind;
    private readonly long _integer;
    private readonly double _double;
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;

    private RedisValue(string text)
    {
        _kind = Kind.Text;
        _text = text;
    }

    private RedisValue(ReadOnlyMemory<byte> bytes)
    {
        _kind = Kind.Bytes;
        _bytes = bytes;
    }

    private RedisValue(long integer)
    {
        _kind = Kind.Integer;
        _integer = integer;
    }

    private RedisValue(double number)
    {
        _kind = Kind.Double;
        _double = number;
    }

    /// <summary>True for the default value, which is sent as an empty string.</summary>
    public bool IsNull => _kind == Kind.Null;

    /// <summary>Text, sent as UTF-8; null becomes the default value.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator RedisValue(string? text) => text is null ? default : new RedisValue(text);

    /// <summary>Bytes, sent as they are; null becomes the default value.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator RedisValue(byte[]? bytes) => bytes is null ? default : new RedisValue(bytes);

    /// <summary>Bytes, sent as they are.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator RedisValue(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>An integer, sent in decimal.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RedisValue(long value) => new(value);

    /// <summary>An integer, sent in decimal.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RedisValue(int value) => new((long)value);

    /// <summary>A double, sent in its shortest round-trip form (inf and -inf for infinities).</summary>
    /// <param name="value">The number.</param>
    public static implicit operator RedisValue(double value) => new(value);

    /// <summary>The value as text (bytes are decoded as UTF-8).</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => _kind switch
    {
        Kind.Text => _text!,
        Kind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        Kind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        Kind.Double => FormatDouble(_double),
        _ => string.Empty,
    };

    internal static string FormatDouble(double value) =>
        double.IsPositiveInfinity(value) ? "+inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal void WriteTo(ref Protocol.RespWriter writer)
    {
        switch (_kind)
        {
            case Kind.Text:
                writer.WriteBulk(_text!);
                break;
            case Kind.Bytes:
                writer.WriteBulk(_bytes.Span);
                break;
            case Kind.Integer:
                writer.WriteBulk(_integer);
                break;
            case Kind.Double:
                writer.WriteBulk(FormatDouble(_double));
                break;
            default:
                writer.WriteBulk(ReadOnlySpan<byte>.Empty);
                break;
        }
    }
}
