using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Catga.Redis;

/// <summary>
/// One reply from the server. Integers, booleans, doubles, nulls and the common simple strings (OK, QUEUED, PONG)
/// are held without allocating; strings hold their bytes; aggregates hold their elements.
/// </summary>
public readonly struct RedisReply
{
    private static readonly byte[] s_ok = "OK"u8.ToArray();
    private static readonly byte[] s_queued = "QUEUED"u8.ToArray();
    private static readonly byte[] s_pong = "PONG"u8.ToArray();

    /// <summary>The integer, the boolean (0/1) or the bits of the double.</summary>
    private readonly long _scalar;

    /// <summary>A byte[] for string-like replies, a RedisReply[] for aggregates.</summary>
    private readonly object? _payload;

    private RedisReply(RedisReplyType type, long scalar, object? payload, RedisReply[]? attributes)
    {
        Type = type;
        _scalar = scalar;
        _payload = payload;
        Attributes = attributes;
    }

    /// <summary>The RESP type of this reply.</summary>
    public RedisReplyType Type { get; }

    /// <summary>
    /// The RESP3 attributes sent before this reply (flattened as key, value, ...), or null when there were none.
    /// </summary>
    public RedisReply[]? Attributes { get; }

    /// <summary>True for a RESP3 null, a RESP2 null bulk string or a RESP2 null array.</summary>
    public bool IsNull => Type == RedisReplyType.Null;

    /// <summary>True when the server answered with an error.</summary>
    public bool IsError => Type == RedisReplyType.Error;

    /// <summary>True for arrays, maps, sets and push frames.</summary>
    public bool IsAggregate => _payload is RedisReply[];

    /// <summary>The number of elements of an aggregate (a map counts keys and values), 0 otherwise.</summary>
    public int Count => _payload is RedisReply[] items ? items.Length : 0;

    /// <summary>The elements of an aggregate; a map is flattened as key, value, key, value.</summary>
    public ReadOnlySpan<RedisReply> Elements => _payload as RedisReply[];

    /// <summary>The element at <paramref name="index"/> of an aggregate.</summary>
    /// <param name="index">The zero-based index.</param>
    public RedisReply this[int index] =>
        _payload is RedisReply[] items ? items[index] : throw NotA("aggregate");

    /// <summary>The raw bytes of a string-like reply (for a verbatim string, without its format prefix).</summary>
    public ReadOnlySpan<byte> Span => Type == RedisReplyType.VerbatimString
        ? ((byte[])_payload!).AsSpan(4)
        : _payload as byte[];

    /// <summary>The three-letter format of a verbatim string (for example "txt"), null for other types.</summary>
    public string? VerbatimFormat =>
        Type == RedisReplyType.VerbatimString ? Encoding.ASCII.GetString((byte[])_payload!, 0, 3) : null;

    internal static RedisReply Null => new(RedisReplyType.Null, 0, null, null);

    internal static RedisReply Integer(long value) => new(RedisReplyType.Integer, value, null, null);

    internal static RedisReply Boolean(bool value) => new(RedisReplyType.Boolean, value ? 1 : 0, null, null);

    internal static RedisReply Double(double value) =>
        new(RedisReplyType.Double, BitConverter.DoubleToInt64Bits(value), null, null);

    internal static RedisReply Bytes(RedisReplyType type, byte[] bytes) => new(type, 0, bytes, null);

    internal static RedisReply Aggregate(RedisReplyType type, RedisReply[] items) => new(type, 0, items, null);

    internal static RedisReply SimpleString(ReadOnlySpan<byte> line)
    {
        // The replies of SET, MULTI and PING are by far the most common simple strings: share their bytes.
        byte[] bytes = line.SequenceEqual(s_ok) ? s_ok
            : line.SequenceEqual(s_queued) ? s_queued
            : line.SequenceEqual(s_pong) ? s_pong
            : line.ToArray();
        return new RedisReply(RedisReplyType.SimpleString, 0, bytes, null);
    }

    internal RedisReply WithAttributes(RedisReply[] attributes) => new(Type, _scalar, _payload, attributes);

    internal bool IsSimpleString(ReadOnlySpan<byte> text) =>
        Type == RedisReplyType.SimpleString && ((byte[])_payload!).AsSpan().SequenceEqual(text);

    /// <summary>The integer value; bulk and simple strings holding a number and booleans are converted.</summary>
    /// <exception cref="RedisServerException">The reply is an error.</exception>
    /// <exception cref="InvalidCastException">The reply is not a number.</exception>
    public long AsInt64()
    {
        switch (Type)
        {
            case RedisReplyType.Integer:
            case RedisReplyType.Boolean:
                return _scalar;
            case RedisReplyType.BulkString:
            case RedisReplyType.SimpleString:
            case RedisReplyType.BigNumber:
                if (Utf8Parser.TryParse((byte[])_payload!, out long value, out int consumed)
                    && consumed == ((byte[])_payload!).Length)
                {
                    return value;
                }

                break;
            case RedisReplyType.Error:
                throw ToException();
        }

        throw NotA("integer");
    }

    /// <summary>The double value; integers and strings holding a number are converted.</summary>
    /// <exception cref="RedisServerException">The reply is an error.</exception>
    /// <exception cref="InvalidCastException">The reply is not a number.</exception>
    public double AsDouble()
    {
        switch (Type)
        {
            case RedisReplyType.Double:
                return BitConverter.Int64BitsToDouble(_scalar);
            case RedisReplyType.Integer:
                return _scalar;
            case RedisReplyType.BulkString:
            case RedisReplyType.SimpleString:
                if (TryParseDouble((byte[])_payload!, out double value))
                {
                    return value;
                }

                break;
            case RedisReplyType.Error:
                throw ToException();
        }

        throw NotA("double");
    }

    /// <summary>The boolean value; the integers 0 and 1 and the simple string OK are converted.</summary>
    /// <exception cref="RedisServerException">The reply is an error.</exception>
    public bool AsBoolean() => Type switch
    {
        RedisReplyType.Boolean or RedisReplyType.Integer => _scalar != 0,
        RedisReplyType.SimpleString => IsSimpleString(s_ok),
        RedisReplyType.Null => false,
        RedisReplyType.Error => throw ToException(),
        _ => throw NotA("boolean"),
    };

    /// <summary>The value of a big number; integers and numeric strings are converted.</summary>
    public BigInteger AsBigInteger() => Type switch
    {
        RedisReplyType.Integer => _scalar,
        RedisReplyType.BigNumber or RedisReplyType.BulkString or RedisReplyType.SimpleString =>
            BigInteger.Parse(Encoding.ASCII.GetString((byte[])_payload!), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        RedisReplyType.Error => throw ToException(),
        _ => throw NotA("big number"),
    };

    /// <summary>The bytes of a string-like reply (a new array for verbatim strings), or null for a null reply.</summary>
    /// <exception cref="RedisServerException">The reply is an error.</exception>
    public byte[]? AsBytes() => Type switch
    {
        RedisReplyType.Null => null,
        RedisReplyType.VerbatimString => Span.ToArray(),
        RedisReplyType.Error => throw ToException(),
        _ when _payload is byte[] bytes => bytes,
        RedisReplyType.Integer => Encoding.ASCII.GetBytes(_scalar.ToString(CultureInfo.InvariantCulture)),
        _ => throw NotA("string"),
    };

    /// <summary>
    /// The text of the reply: strings are decoded as UTF-8, numbers formatted invariantly; null for a null reply.
    /// </summary>
    /// <exception cref="RedisServerException">The reply is an error.</exception>
    public string? AsString() => Type switch
    {
        RedisReplyType.Null => null,
        RedisReplyType.Error => throw ToException(),
        _ => ToString(),
    };

    /// <summary>A human-readable rendering: strings decoded as UTF-8, aggregates as their element count.</summary>
    public override string ToString() => Type switch
    {
        RedisReplyType.None => "(none)",
        RedisReplyType.Null => "(null)",
        RedisReplyType.Integer => _scalar.ToString(CultureInfo.InvariantCulture),
        RedisReplyType.Boolean => _scalar != 0 ? "true" : "false",
        RedisReplyType.Double => BitConverter.Int64BitsToDouble(_scalar).ToString("R", CultureInfo.InvariantCulture),
        _ when _payload is byte[] => Encoding.UTF8.GetString(Span),
        _ => $"({Type} of {Count})",
    };

    /// <summary>Throws a <see cref="RedisServerException"/> when the reply is an error; returns it otherwise.</summary>
    /// <returns>This reply.</returns>
    public RedisReply ThrowIfError() => IsError ? throw ToException() : this;

    internal RedisServerException ToException() => new(Encoding.UTF8.GetString((byte[])_payload!));

    private InvalidCastException NotA(string what) =>
        IsError ? throw ToException() : new InvalidCastException($"The reply is a {Type}, not a {what}.");

    internal static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        // RESP3 spells infinities as inf/-inf and Redis accepts +inf in scores; Utf8Parser knows neither.
        if (text.SequenceEqual("inf"u8) || text.SequenceEqual("+inf"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (text.SequenceEqual("-inf"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }

        if (text.SequenceEqual("nan"u8) || text.SequenceEqual("-nan"u8))
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
