using System.Buffers;

namespace Catga.Serialization;

/// <summary>
/// One message type as a transport sees it: its stable wire name, its CLR type, and its binary formatter behind
/// non-generic methods, so a message that arrives with only a name can be read without <c>Type.GetType</c>.
/// Instances are created by generated code (<see cref="Create{T}"/>) and collected in a <see cref="MessageTypeRegistry"/>.
/// </summary>
public abstract class MessageTypeInfo
{
    /// <summary>Creates a description. Generated code uses <see cref="Create{T}"/>; derive directly only for a message
    /// type whose format is written by hand.</summary>
    /// <param name="name">The stable wire name.</param>
    /// <param name="type">The message's CLR type.</param>
    protected MessageTypeInfo(string name, Type type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
    }

    /// <summary>The stable wire name, for example <c>Shop.PlaceOrder</c> or <c>orders.placed.v1</c>.</summary>
    public string Name { get; }

    /// <summary>The message's CLR type.</summary>
    public Type Type { get; }

    /// <summary>Describes the generated message type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <returns>The description.</returns>
    public static MessageTypeInfo Create<T>()
        where T : ISerializableMessage<T>
        => new MessageTypeInfo<T>();

    /// <summary>Writes <paramref name="message"/> in Catga's binary format.</summary>
    /// <param name="message">The message; it must be of <see cref="Type"/>.</param>
    /// <param name="output">Where the bytes go.</param>
    public abstract void WriteBinary(object message, IBufferWriter<byte> output);

    /// <summary>Reads a message of this type in Catga's binary format.</summary>
    /// <param name="data">The serialized message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a valid message of this type.</exception>
    public abstract object ReadBinary(ReadOnlySpan<byte> data);

    /// <summary>Reads a message of this type in Catga's binary format from a sequence.</summary>
    /// <param name="data">The serialized message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a valid message of this type.</exception>
    public abstract object ReadBinary(in ReadOnlySequence<byte> data);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Type.FullName})";
}
