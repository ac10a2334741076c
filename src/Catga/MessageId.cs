using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Catga.Serialization;

namespace Catga;

/// <summary>
/// A 128-bit message identifier laid out as an RFC 9562 version 7 UUID: a 48-bit Unix millisecond timestamp,
/// a 12-bit counter that keeps ids created in one process strictly increasing, and 62 random bits.
/// </summary>
/// <remarks>
/// Ids are unique across processes and machines without any configuration: two processes only collide if they
/// create an id in the same millisecond with the same counter value and the same 62 random bits. Ids sort by
/// creation time, which keeps database indexes and stream positions compact.
/// </remarks>
[JsonConverter(typeof(MessageIdJsonConverter))]
public readonly struct MessageId : IEquatable<MessageId>, IComparable<MessageId>, ISpanFormattable
{
    // Last issued (milliseconds << 12 | counter). A single 64-bit word lets one compare-exchange keep ids
    // strictly increasing within the process, even when the clock stands still or steps backwards.
    private static long s_lastTick;

    // Ten seconds, in (milliseconds << 12) units.
    private const long MaxClockRegressionTicks = 10_000L << 12;

    // DateTimeOffset.MaxValue in Unix milliseconds: 9999-12-31T23:59:59.999Z.
    private const long MaxTimestampMs = 253_402_300_799_999L;

    private readonly Guid _value;

    /// <summary>Wraps an existing UUID.</summary>
    /// <param name="value">The UUID.</param>
    public MessageId(Guid value) => _value = value;

    /// <summary>The empty id (all zero bits), used for messages that were not created through the generator.</summary>
    public static MessageId Empty => default;

    /// <summary>The underlying UUID.</summary>
    public Guid Value => _value;

    /// <summary>Whether this is <see cref="Empty"/>.</summary>
    public bool IsEmpty => _value == Guid.Empty;

    /// <summary>The time the id was created, taken from its timestamp bits.</summary>
    public DateTimeOffset CreatedAt
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            _value.TryWriteBytes(bytes, bigEndian: true, out _);
            long ms = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    /// <summary>Creates a new id using the system clock.</summary>
    /// <returns>A new, unique id.</returns>
    public static MessageId NewId() => NewId(TimeProvider.System);

    /// <summary>Creates a new id using the given clock for its timestamp.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>A new, unique id.</returns>
    public static MessageId NewId(TimeProvider timeProvider)
    {
        long nowMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        long tick = NextTick(nowMs);
        long ms = tick >> 12;
        long counter = tick & 0xFFF;
        ulong random = (ulong)Random.Shared.NextInt64();

        // unix_ts_ms (48) | ver 0b0111 (4) | rand_a = counter (12)
        ulong high = ((ulong)ms << 16) | 0x7000UL | (ulong)counter;
        // var 0b10 (2) | rand_b (62)
        ulong low = 0x8000_0000_0000_0000UL | (random & 0x3FFF_FFFF_FFFF_FFFFUL);

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], low);
        return new MessageId(new Guid(bytes, bigEndian: true));
    }

    private static long NextTick(long nowMs)
    {
        long candidate = nowMs << 12;
        while (true)
        {
            long last = Volatile.Read(ref s_lastTick);
            // Same or earlier millisecond: continue from the last value. When the 12-bit counter overflows the
            // increment carries into the timestamp, borrowing from the next millisecond (RFC 9562, section 6.2).
            // A clock that jumps back further than MaxClockRegression (a manual change, a test clock) restarts the
            // sequence from the clock: ids stay unique through their random bits, and timestamps stay truthful.
            long next = candidate > last || last - candidate > MaxClockRegressionTicks ? candidate : last + 1;
            if (Interlocked.CompareExchange(ref s_lastTick, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>Parses an id in the standard 36-character UUID form.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException">The text is not a UUID; the message quotes it.</exception>
    public static MessageId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a valid message id (expected a UUID such as 0190c3d2-7b1e-7a3f-9c2d-4e5f60718293, whose timestamp lies before the year 10000).");
    }

    /// <summary>Tries to parse an id in the standard UUID form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="id">The id, when this method returns <see langword="true"/>.</param>
    /// <returns>Whether the text was a valid id.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MessageId id)
    {
        bool ok = Guid.TryParseExact(text, "D", out var guid) && HasValidTimestamp(guid);
        id = ok ? new MessageId(guid) : default;
        return ok;
    }

    /// <summary>An id read from a message that arrived from elsewhere (a transport, a store, a JSON body). Rejects an id
    /// whose timestamp lies beyond the year 9999, which no clock produces and <see cref="CreatedAt"/> cannot represent,
    /// so the message fails on receipt with this error rather than later, wherever its creation time is read.</summary>
    /// <param name="value">The UUID as received.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException">The timestamp is out of range; the message quotes the id.</exception>
    internal static MessageId FromReceived(Guid value)
        => HasValidTimestamp(value)
            ? new MessageId(value)
            : throw new FormatException($"The message id {value:D} is not valid: its timestamp lies after 9999-12-31, the latest time a message can have been created.");

    /// <summary>Whether the 48-bit millisecond timestamp of <paramref name="value"/> is at most
    /// <see cref="DateTimeOffset.MaxValue"/>, as every id created by <see cref="NewId()"/> is.</summary>
    private static bool HasValidTimestamp(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16) <= MaxTimestampMs;
    }

    /// <inheritdoc/>
    public bool Equals(MessageId other) => _value.Equals(other._value);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MessageId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(MessageId other) => _value.CompareTo(other._value);

    /// <inheritdoc/>
    public override string ToString() => _value.ToString("D");

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => _value.ToString(format ?? "D", formatProvider);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => _value.TryFormat(destination, out charsWritten, format.IsEmpty ? "D" : format);

    /// <summary>Whether two ids are equal.</summary>
    public static bool operator ==(MessageId left, MessageId right) => left.Equals(right);

    /// <summary>Whether two ids differ.</summary>
    public static bool operator !=(MessageId left, MessageId right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> was created before <paramref name="right"/>.</summary>
    public static bool operator <(MessageId left, MessageId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> was created after <paramref name="right"/>.</summary>
    public static bool operator >(MessageId left, MessageId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> was created before or is <paramref name="right"/>.</summary>
    public static bool operator <=(MessageId left, MessageId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> was created after or is <paramref name="right"/>.</summary>
    public static bool operator >=(MessageId left, MessageId right) => left.CompareTo(right) >= 0;
}
