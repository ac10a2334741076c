using System.Buffers;

namespace Catga.Serialization;

/// <summary>
/// Turns messages into bytes and back for a transport. The message type travels separately, as its wire name
/// (<see cref="MessageTypeInfo.Name"/>); the receiver looks it up in the <see cref="MessageTypeRegistry"/>.
/// </summary>
public interface IMessageSerializer
{
    /// <summary>The content type written next to the payload, for example <c>application/x-catga-binary</c>.</summary>
    string ContentType { get; }

    /// <summary>Writes <paramref name="message"/> to <paramref name="output"/>.</summary>
    /// <param name="type">The message's type.</param>
    /// <param name="message">The message; it must be of <paramref name="type"/>.</param>
    /// <param name="output">Where the bytes go.</param>
    void Serialize(MessageTypeInfo type, object message, IBufferWriter<byte> output);

    /// <summary>Reads a message of <paramref name="type"/>.</summary>
    /// <param name="type">The message's type, found by the wire name that came with the payload.</param>
    /// <param name="payload">The serialized message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="CatgaSerializationException">The payload is not a valid message of <paramref name="type"/>.</exception>
    object Deserialize(MessageTypeInfo type, in ReadOnlySequence<byte> payload);
}
