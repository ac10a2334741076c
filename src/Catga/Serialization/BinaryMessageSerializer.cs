using System.Buffers;

namespace Catga.Serialization;

/// <summary>The <see cref="IMessageSerializer"/> over Catga's generated binary formatters: compact, fast, and
/// reflection-free. Versioning rules are in docs/serialization.md.</summary>
public sealed class BinaryMessageSerializer : IMessageSerializer
{
    /// <summary>The one instance; the serializer has no state.</summary>
    public static BinaryMessageSerializer Instance { get; } = new();

    /// <inheritdoc/>
    public string ContentType => "application/x-catga-binary";

    /// <inheritdoc/>
    public void Serialize(MessageTypeInfo type, object message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.WriteBinary(message, output);
    }

    /// <inheritdoc/>
    public object Deserialize(MessageTypeInfo type, in ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.ReadBinary(payload);
    }
}
