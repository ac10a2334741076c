using System.Buffers;

namespace Catga.Serialization;

/// <summary>The <see cref="MessageTypeInfo"/> of a generated message type.</summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class MessageTypeInfo<T> : MessageTypeInfo
    where T : ISerializableMessage<T>
{
    /// <summary>Creates the description from the members the generator implemented on <typeparamref name="T"/>.</summary>
    public MessageTypeInfo()
        : base(T.MessageTypeName, typeof(T))
    {
    }

    /// <inheritdoc/>
    public override Security.MessageProtection Protection => T.Protection;

    /// <inheritdoc/>
    internal override int Slot => Runtime.MessageSlot<T>.Index;

    /// <inheritdoc/>
    public override Type? CurrentVersion => T.CurrentVersionType;

    /// <inheritdoc/>
    internal override object ToCurrentVersion(object message) => T.CurrentVersionType is null ? message : T.ToCurrentVersion((T)message);

    /// <inheritdoc/>
    public override void WriteBinary(object message, IBufferWriter<byte> output)
    {
        if (message is not T typed)
        {
            throw new ArgumentException($"Expected a message of type {typeof(T).FullName} ({Name}) but got {message?.GetType().FullName ?? "null"}.", nameof(message));
        }

        CatgaBinarySerializer.Serialize(typed, output);
    }

    /// <inheritdoc/>
    public override object ReadBinary(ReadOnlySpan<byte> data) => CatgaBinarySerializer.Deserialize<T>(data);

    /// <inheritdoc/>
    public override object ReadBinary(in ReadOnlySequence<byte> data) => CatgaBinarySerializer.Deserialize<T>(data);
}
