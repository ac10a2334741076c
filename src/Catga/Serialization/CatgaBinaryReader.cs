using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Catga.Serialization;

/// <summary>
/// Reads Catga's binary format from a span. Generated formatters call it; applications use
/// <see cref="CatgaBinarySerializer"/>. Every read checks the remaining data, so truncated or hostile input ends in a
/// <see cref="CatgaSerializationException"/> that says what was expected and at which offset.
/// </summary>
/// <remarks>
/// Allocation is bounded by the input: a collection or string may not declare more elements than bytes remain (every
/// element takes at least one byte), and objects may not nest deeper than <see cref="MaxDepth"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct CatgaBinaryReader
{
    /// <summary>How deeply objects may nest unless the caller chooses otherwise; deeper data is rejected before it can
    /// exhaust the stack.</summary>
    public const int DefaultMaxDepth = 64;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private int _depth;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    /// <param name="data">The serialized bytes.</param>
    /// <param name="maxDepth">The deepest object nesting accepted.</param>
    public CatgaBinaryReader(ReadOnlySpan<byte> data, int maxDepth = DefaultMaxDepth)
    {
        _data = data;
        _position = 0;
        _depth = 0;
        MaxDepth = maxDepth;
    }

    /// <summary>The deepest object nesting accepted.</summary>
    public int MaxDepth { get; }

    /// <summary>How many bytes have been read.</summary>
    public readonly int Position => _position;

    /// <summary>How many bytes remain.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads a byte.</summary>
    /// <returns>The value.</returns>
    public byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            ThrowTruncated(1);
        }

        return _data[_position++];
    }

    /// <summary>Reads a signed byte.</summary>
    /// <returns>The value.</returns>
    public sbyte ReadSByte() => (sbyte)ReadByte();

    /// <summary>Reads a Boolean; any byte other than 0 or 1 is rejected.</summary>
    /// <returns>The value.</returns>
    public bool ReadBoolean()
    {
        byte value = ReadByte();
        if (value > 1)
        {
            Throw($"invalid Boolean value {value} at offset {_position - 1}");
        }

        return value == 1;
    }

    /// <summary>Reads a 16-bit integer.</summary>
    /// <returns>The value.</returns>
    public short ReadInt16()
    {
        long value = ReadInt64();
        if (value is < short.MinValue or > short.MaxValue)
        {
            Throw($"value {value} does not fit in Int16");
        }

        return (short)value;
    }

    /// <summary>Reads an unsigned 16-bit integer.</summary>
    /// <returns>The value.</returns>
    public ushort ReadUInt16()
    {
        ulong value = ReadVarUInt64();
        if (value > ushort.MaxValue)
        {
            Throw($"value {value} does not fit in UInt16");
        }

        return (ushort)value;
    }

    /// <summary>Reads a character.</summary>
    /// <returns>The value.</returns>
    public char ReadChar() => (char)ReadUInt16();

    /// <summary>Reads a 32-bit integer.</summary>
    /// <returns>The value.</returns>
    public int ReadInt32()
    {
        ulong raw = ReadVarUInt64();
        if (raw > uint.MaxValue)
        {
            Throw($"value {raw} does not fit in Int32");
        }

        uint zigzag = (uint)raw;
        return (int)(zigzag >> 1) ^ -(int)(zigzag & 1);
    }

    /// <summary>Reads an unsigned 32-bit integer.</summary>
    /// <returns>The value.</returns>
    public uint ReadUInt32()
    {
        ulong value = ReadVarUInt64();
        if (value > uint.MaxValue)
        {
            Throw($"value {value} does not fit in UInt32");
        }

        return (uint)value;
    }

    /// <summary>Reads a 64-bit integer.</summary>
    /// <returns>The value.</returns>
    public long ReadInt64()
    {
        ulong zigzag = ReadVarUInt64();
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    /// <summary>Reads an unsigned 64-bit integer.</summary>
    /// <returns>The value.</returns>
    public ulong ReadUInt64() => ReadVarUInt64();

    /// <summary>Reads a single-precision number.</summary>
    /// <returns>The value.</returns>
    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>Reads a double-precision number.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Reads a decimal, rejecting bit patterns that are not a valid decimal.</summary>
    /// <returns>The value.</returns>
    public decimal ReadDecimal()
    {
        var span = Take(16);
        int flags = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        // Valid flags: bits 16-23 hold a scale of at most 28, bit 31 the sign, every other bit is zero.
        if ((flags & 0x7F00FFFF) != 0 || ((flags >> 16) & 0xFF) > 28)
        {
            Throw($"invalid decimal at offset {_position - 16}");
        }

        return new decimal(
            BinaryPrimitives.ReadInt32LittleEndian(span),
            BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[8..]),
            flags < 0,
            (byte)((flags >> 16) & 0xFF));
    }

    /// <summary>Reads a UUID.</summary>
    /// <returns>The value.</returns>
    public Guid ReadGuid() => new(Take(16));

    /// <summary>Reads a message id.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="CatgaSerializationException">The id's timestamp lies after the year 9999.</exception>
    public MessageId ReadMessageId()
    {
        int start = _position;
        var value = ReadGuid();
        try
        {
            return MessageId.FromReceived(value);
        }
        catch (FormatException exception)
        {
            throw new CatgaSerializationException($"Invalid data at offset {start}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads a date and time with its kind.</summary>
    /// <returns>The value.</returns>
    public DateTime ReadDateTime()
    {
        long binary = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        long ticks = binary & 0x3FFFFFFFFFFFFFFF;
        if (ticks > DateTime.MaxValue.Ticks)
        {
            Throw($"invalid DateTime at offset {_position - 8}");
        }

        try
        {
            // A local time (kind bits 10) is stored as UTC ticks and converted to this machine's zone, which can
            // leave the range near DateTime.MinValue or MaxValue.
            return DateTime.FromBinary(binary);
        }
        catch (ArgumentException exception)
        {
            throw new CatgaSerializationException($"Invalid data: the DateTime at offset {_position - 8} is out of range.", exception);
        }
    }

    /// <summary>Reads a date and time with its offset.</summary>
    /// <returns>The value.</returns>
    public DateTimeOffset ReadDateTimeOffset()
    {
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        int minutes = ReadInt32();
        // DateTimeOffset stores the UTC instant: both it and the local clock time must be in range.
        long offsetTicks = minutes * TimeSpan.TicksPerMinute;
        if (minutes is < -14 * 60 or > 14 * 60 || ticks < 0 || ticks > DateTime.MaxValue.Ticks
            || ticks - offsetTicks < 0 || ticks - offsetTicks > DateTime.MaxValue.Ticks)
        {
            Throw($"invalid DateTimeOffset ending at offset {_position}");
        }

        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
    }

    /// <summary>Reads a time span.</summary>
    /// <returns>The value.</returns>
    public TimeSpan ReadTimeSpan() => new(ReadInt64());

    /// <summary>Reads a date.</summary>
    /// <returns>The value.</returns>
    public DateOnly ReadDateOnly()
    {
        ulong day = ReadVarUInt64();
        if (day > (ulong)DateOnly.MaxValue.DayNumber)
        {
            Throw($"invalid DateOnly day number {day}");
        }

        return DateOnly.FromDayNumber((int)day);
    }

    /// <summary>Reads a time of day.</summary>
    /// <returns>The value.</returns>
    public TimeOnly ReadTimeOnly()
    {
        ulong ticks = ReadVarUInt64();
        if (ticks > (ulong)TimeOnly.MaxValue.Ticks)
        {
            Throw($"invalid TimeOnly ticks {ticks}");
        }

        return new TimeOnly((long)ticks);
    }

    /// <summary>Reads a string; invalid UTF-8 is rejected.</summary>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? ReadString()
    {
        int length = ReadLength(1);
        if (length < 0)
        {
            return null;
        }

        int start = _position;
        var bytes = Take(length);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException exception)
        {
            throw new CatgaSerializationException($"Invalid data: the string at offset {start} is not valid UTF-8.", exception);
        }
    }

    /// <summary>Reads a byte array written by <see cref="CatgaBinaryWriter.WriteBytes"/>.</summary>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public byte[]? ReadBytes()
    {
        int length = ReadLength(1);
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>Reads a collection header.</summary>
    /// <param name="minElementSize">The fewest bytes one element takes, used to reject counts the data cannot hold.</param>
    /// <returns>The number of elements, or -1 for a null collection.</returns>
    public int ReadCollectionHeader(int minElementSize = 1) => ReadLength(minElementSize);

    /// <summary>Starts reading an object.</summary>
    /// <param name="end">Where the object's body ends; pass it to <see cref="EndObject"/>.</param>
    /// <returns>The number of members written, or -1 when the object is null.</returns>
    public int BeginObject(out int end)
    {
        ulong header = ReadVarUInt64();
        if (header == 0)
        {
            end = _position;
            return -1;
        }

        if (++_depth > MaxDepth)
        {
            Throw($"objects are nested more than {MaxDepth} deep");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        if (length < 0 || length > Remaining)
        {
            Throw($"an object at offset {_position - 4} declares {length} bytes but {Remaining} remain");
        }

        // Every member takes at least one byte, so a count larger than the body is malformed.
        if (header - 1 > (ulong)length)
        {
            Throw($"an object at offset {_position - 4} declares {header - 1} members in {length} bytes");
        }

        end = _position + length;
        return (int)(header - 1);
    }

    /// <summary>Starts reading a struct, which is never null.</summary>
    /// <param name="end">Where the struct's body ends; pass it to <see cref="EndObject"/>.</param>
    /// <returns>The number of members written.</returns>
    public int BeginStruct(out int end)
    {
        int count = BeginObject(out end);
        if (count < 0)
        {
            Throw($"a struct is null at offset {_position - 1}");
        }

        return count;
    }

    /// <summary>Finishes an object: skips members this version does not know and checks none overran the body.</summary>
    /// <param name="end">The value <see cref="BeginObject"/> returned.</param>
    public void EndObject(int end)
    {
        if (_position > end)
        {
            Throw($"an object's members run past its end at offset {end}");
        }

        _position = end;
        _depth--;
    }

    /// <summary>Throws unless every byte was read.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            Throw($"{Remaining} unexpected bytes after the value at offset {_position}");
        }
    }

    /// <summary>The exception for data that holds a null where a message must be.</summary>
    /// <param name="messageTypeName">The wire name of the expected message type.</param>
    /// <returns>The exception to throw.</returns>
    public static CatgaSerializationException NullMessage(string messageTypeName)
        => new($"Invalid data: expected a message of type '{messageTypeName}' but the data holds null.");

    /// <summary>The exception for a dictionary entry whose key is null.</summary>
    /// <returns>The exception to throw.</returns>
    public static CatgaSerializationException NullDictionaryKey()
        => new("Invalid data: a dictionary key is null.");

    private int ReadLength(int minElementSize)
    {
        ulong header = ReadVarUInt64();
        if (header == 0)
        {
            return -1;
        }

        ulong count = header - 1;
        if (count > (ulong)(Remaining / Math.Max(minElementSize, 1)))
        {
            Throw($"a length of {count} at offset {_position} exceeds the {Remaining} bytes that remain");
        }

        return (int)count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ReadVarUInt64()
    {
        if (_position < _data.Length && _data[_position] < 0x80)
        {
            return _data[_position++];
        }

        return ReadVarUInt64Slow();
    }

    private ulong ReadVarUInt64Slow()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63 && b > 1)
            {
                break;
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        Throw($"a variable-length integer ending at offset {_position} is longer than 64 bits");
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int size)
    {
        if (_data.Length - _position < size)
        {
            ThrowTruncated(size);
        }

        var span = _data.Slice(_position, size);
        _position += size;
        return span;
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(int size)
        => throw new CatgaSerializationException($"Invalid data: the input ends at offset {_data.Length} but {size} more bytes were expected at offset {_position}.");

    [DoesNotReturn]
    private static void Throw(string problem)
        => throw new CatgaSerializationException("Invalid data: " + problem + ".");
}
