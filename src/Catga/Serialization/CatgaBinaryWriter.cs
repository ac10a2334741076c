using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;

namespace Catga.Serialization;

/// <summary>
/// Writes Catga's binary format into a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Generated formatters call
/// it; applications use <see cref="CatgaBinarySerializer"/>. The format is described in docs/serialization.md.
/// </summary>
/// <remarks>
/// Objects are written as a member count and a 4-byte body length followed by the members. The length is filled in
/// when the object ends, which is why the writer owns its buffer instead of writing straight to the caller's
/// <see cref="IBufferWriter{T}"/>: a slot reserved earlier can always be patched. Dispose the writer to return the buffer.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct CatgaBinaryWriter
{
    private const int ObjectLengthSize = 4;
    private byte[] _buffer;
    private int _position;

    /// <summary>Creates a writer with a rented buffer of at least <paramref name="initialCapacity"/> bytes.</summary>
    /// <param name="initialCapacity">The expected size of the output.</param>
    public CatgaBinaryWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
        _position = 0;
    }

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>Returns the rented buffer to the pool. The writer must not be used afterwards.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _position = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a byte.</summary>
    /// <param name="value">The value.</param>
    public void WriteByte(byte value)
    {
        if (_position >= _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_position++] = value;
    }

    /// <summary>Writes a signed byte.</summary>
    /// <param name="value">The value.</param>
    public void WriteSByte(sbyte value) => WriteByte((byte)value);

    /// <summary>Writes a Boolean as one byte.</summary>
    /// <param name="value">The value.</param>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes a 16-bit integer (zigzag variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteInt16(short value) => WriteInt64(value);

    /// <summary>Writes an unsigned 16-bit integer (variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt16(ushort value) => WriteVarUInt64(value);

    /// <summary>Writes a character as its UTF-16 code unit (variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteChar(char value) => WriteVarUInt64(value);

    /// <summary>Writes a 32-bit integer (zigzag variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteInt32(int value) => WriteVarUInt64((uint)((value << 1) ^ (value >> 31)));

    /// <summary>Writes an unsigned 32-bit integer (variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt32(uint value) => WriteVarUInt64(value);

    /// <summary>Writes a 64-bit integer (zigzag variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes an unsigned 64-bit integer (variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt64(ulong value) => WriteVarUInt64(value);

    /// <summary>Writes a single-precision number (4 bytes, little endian).</summary>
    /// <param name="value">The value.</param>
    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    /// <summary>Writes a double-precision number (8 bytes, little endian).</summary>
    /// <param name="value">The value.</param>
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    /// <summary>Writes a decimal (its four 32-bit parts, 16 bytes).</summary>
    /// <param name="value">The value.</param>
    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var span = Reserve(16);
        BinaryPrimitives.WriteInt32LittleEndian(span, bits[0]);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bits[1]);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], bits[2]);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], bits[3]);
    }

    /// <summary>Writes a UUID (16 bytes).</summary>
    /// <param name="value">The value.</param>
    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    /// <summary>Writes a message id (16 bytes).</summary>
    /// <param name="value">The value.</param>
    public void WriteMessageId(MessageId value) => WriteGuid(value.Value);

    /// <summary>Writes a date and time with its kind (<see cref="DateTime.ToBinary"/>, 8 bytes).</summary>
    /// <param name="value">The value.</param>
    public void WriteDateTime(DateTime value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value.ToBinary());

    /// <summary>Writes a date and time with its offset (ticks, 8 bytes, then the offset in minutes).</summary>
    /// <param name="value">The value.</param>
    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value.Ticks);
        WriteInt32((int)(value.Offset.Ticks / TimeSpan.TicksPerMinute));
    }

    /// <summary>Writes a time span (ticks, zigzag variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    /// <summary>Writes a date (its day number, variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteDateOnly(DateOnly value) => WriteVarUInt64((uint)value.DayNumber);

    /// <summary>Writes a time of day (ticks, variable length).</summary>
    /// <param name="value">The value.</param>
    public void WriteTimeOnly(TimeOnly value) => WriteVarUInt64((ulong)value.Ticks);

    /// <summary>Writes a string: its UTF-8 length plus one (0 for null), then the UTF-8 bytes.</summary>
    /// <param name="value">The value.</param>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }

        // Short strings (the common case) are encoded in one pass into the worst-case space after a one-byte length.
        if (value.Length <= 42)
        {
            var span = Reserve(1 + (value.Length * 3), advance: false);
            int written = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)(written + 1);
            _position += 1 + written;
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)length + 1);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>Writes a byte array as a collection of bytes, copied in one block.</summary>
    /// <param name="value">The value.</param>
    public void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }

        WriteCollectionHeader(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>Writes the header of a collection of <paramref name="count"/> elements.</summary>
    /// <param name="count">The number of elements that follow.</param>
    public void WriteCollectionHeader(int count) => WriteVarUInt64((ulong)count + 1);

    /// <summary>Writes a null collection, string or object.</summary>
    public void WriteNull() => WriteByte(0);

    /// <summary>Starts an object of <paramref name="memberCount"/> members.</summary>
    /// <param name="memberCount">The number of members that follow.</param>
    /// <returns>The position to pass to <see cref="EndObject"/>.</returns>
    public int BeginObject(int memberCount)
    {
        WriteVarUInt64((ulong)memberCount + 1);
        Reserve(ObjectLengthSize);
        return _position;
    }

    /// <summary>Ends the object started at <paramref name="start"/> by filling in its body length.</summary>
    /// <param name="start">The value <see cref="BeginObject"/> returned.</param>
    public readonly void EndObject(int start)
        => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start - ObjectLengthSize), _position - start);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteVarUInt64(ulong value)
    {
        if (value < 0x80 && _position < _buffer.Length)
        {
            _buffer[_position++] = (byte)value;
            return;
        }

        var span = Reserve(10, advance: false);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _position += i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size, bool advance = true)
    {
        if (_buffer.Length - _position < size)
        {
            Grow(size);
        }

        var span = _buffer.AsSpan(_position, size);
        if (advance)
        {
            _position += size;
        }

        return span;
    }

    private void Grow(int size)
    {
        int required = checked(_position + size);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(required, _buffer.Length * 2));
        _buffer.AsSpan(0, _position).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
