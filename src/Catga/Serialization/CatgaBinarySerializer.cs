using System.Buffers;

namespace Catga.Serialization;

/// <summary>
/// Serializes messages in Catga's compact binary format through the formatters the source generator emits for every
/// message type (see docs/serialization.md for the format and its versioning rules).
/// </summary>
public static class CatgaBinarySerializer
{
    /// <summary>Writes <paramref name="message"/> to <paramref name="output"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void Serialize<T>(T message, IBufferWriter<byte> output)
        where T : ISerializableMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new CatgaBinaryWriter(256);
        try
        {
            T.WriteBinary(ref writer, message);
            output.Write(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Serializes <paramref name="message"/> into a new array.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="message">The message.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize<T>(T message)
        where T : ISerializableMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = new CatgaBinaryWriter(256);
        try
        {
            T.WriteBinary(ref writer, message);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Reads a message of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="data">The serialized message; every byte must belong to it.</param>
    /// <param name="maxDepth">The deepest object nesting accepted.</param>
    /// <returns>The message.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a valid <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> data, int maxDepth = CatgaBinaryReader.DefaultMaxDepth)
        where T : ISerializableMessage<T>
    {
        var reader = new CatgaBinaryReader(data, maxDepth);
        var message = T.ReadBinary(ref reader);
        reader.EnsureEnd();
        return message;
    }

    /// <summary>Reads a message of type <typeparamref name="T"/> from a sequence, such as a pipe's buffer.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="data">The serialized message; every byte must belong to it.</param>
    /// <param name="maxDepth">The deepest object nesting accepted.</param>
    /// <returns>The message.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a valid <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(in ReadOnlySequence<byte> data, int maxDepth = CatgaBinaryReader.DefaultMaxDepth)
        where T : ISerializableMessage<T>
    {
        if (data.IsSingleSegment)
        {
            return Deserialize<T>(data.FirstSpan, maxDepth);
        }

        // A message split across segments is copied once into a pooled buffer of exactly its length.
        int length = checked((int)data.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            data.CopyTo(buffer);
            return Deserialize<T>(buffer.AsSpan(0, length), maxDepth);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
