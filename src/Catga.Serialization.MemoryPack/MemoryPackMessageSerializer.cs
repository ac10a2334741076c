using System.Buffers;
using global::MemoryPack;

namespace Catga.Serialization.MemoryPack;

/// <summary>
/// Message bodies in MemoryPack's format, for services that already use MemoryPack and exchange messages only with
/// peers they trust. Message types are <c>[MemoryPackable]</c> as well as Catga messages. MemoryPack does not see the
/// envelope members Catga generates (message, correlation and causation id), so those travel only as headers, which
/// the envelope sets on every message and puts back on receipt.
/// </summary>
/// <remarks>
/// Trusted peers only: MemoryPack's reader trusts lengths and values in the payload, so a hostile payload can make a
/// consumer allocate without bound or throw outside the expected exception types. Catga's binary format, the default,
/// bounds both. Native AOT publish carries two warnings from MemoryPack.Core itself.
/// </remarks>
public sealed class MemoryPackMessageSerializer : IMessageSerializer
{
    /// <summary>The one instance; the serializer has no state.</summary>
    public static MemoryPackMessageSerializer Instance { get; } = new();

    /// <inheritdoc/>
    public string ContentType => "application/x-memorypack";

    /// <inheritdoc/>
    public void Serialize(MessageTypeInfo type, object message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(message);
        if (!type.Type.IsInstanceOfType(message))
        {
            throw new ArgumentException($"Expected a message of type {type.Type.FullName} ({type.Name}) but got {message.GetType().FullName}.", nameof(message));
        }

        MemoryPackSerializer.Serialize(type.Type, output, message);
    }

    /// <inheritdoc/>
    public object Deserialize(MessageTypeInfo type, in ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(type);
        object? message = null;
        try
        {
            MemoryPackSerializer.Deserialize(type.Type, payload, ref message);
        }
        catch (Exception ex) when (ex is MemoryPackSerializationException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            throw new CatgaSerializationException($"The MemoryPack payload of '{type.Name}' ({payload.Length} bytes) is not a valid {type.Type.FullName}: {ex.Message}", ex);
        }

        return message ?? throw new CatgaSerializationException($"The MemoryPack payload of '{type.Name}' is a null object.");
    }
}
