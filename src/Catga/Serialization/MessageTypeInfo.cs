using System.Buffers;

namespace Catga.Serialization;

/// <summary>
/// One message type as a transport sees it: its stable wire name, its CLR type, and its binary formatter behind
/// non-generic methods, so a message that arrives with only a name can be read without <c>Type.GetType</c>.
/// Instances are created by generated code (<see cref="Create{T}()"/>) and collected in a <see cref="MessageTypeRegistry"/>.
/// </summary>
public abstract class MessageTypeInfo
{
    /// <summary>Creates a description. Generated code uses <see cref="Create{T}()"/>; derive directly only for a message
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

    /// <summary>Creates the entry of a message type with its kind; called by the generated registry.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="kind">Command, query, event or stream request.</param>
    /// <param name="isDistributed">Whether the type is marked <see cref="DistributedAttribute"/>.</param>
    /// <returns>The entry.</returns>
    public static MessageTypeInfo Create<T>(MessageKind kind, bool isDistributed)
        where T : ISerializableMessage<T>
        => new MessageTypeInfo<T> { Kind = kind, IsDistributed = isDistributed };

    /// <summary>Command, query, event or stream request (<see cref="MessageKind.Unknown"/> for entries made without one).</summary>
    public MessageKind Kind { get; init; }

    /// <summary>Whether the type is marked <see cref="DistributedAttribute"/>: it crosses process boundaries.</summary>
    public bool IsDistributed { get; init; }

    /// <summary>The retry policy declared with <see cref="Distributed.CatgaRetryAttribute"/>, or <see langword="null"/>.</summary>
    public Distributed.RetryPolicy? Retry { get; init; }

    /// <summary>For an older version of a message: the type of its current version, whose handlers run when a payload
    /// of this version arrives (see <see cref="Versioning.IUpcastFrom{TPrevious, TSelf}"/>); otherwise <see langword="null"/>.</summary>
    public virtual Type? CurrentVersion => null;

    /// <summary>The protection the type requires on the wire, from its <see cref="Security.CatgaProtectedAttribute"/>.</summary>
    public virtual Security.MessageProtection Protection => Security.MessageProtection.None;

    /// <summary>Converts a received message of this type to its current version (the message itself when it is current).</summary>
    internal virtual object ToCurrentVersion(object message) => message;

    /// <summary>The schedule declared with <see cref="Scheduling.RecurringAttribute"/>, or <see langword="null"/>.</summary>
    public Scheduling.RecurringSchedule? Recurring { get; init; }

    /// <summary>For a request whose result can be serialized: the result value type; otherwise <see langword="null"/>.</summary>
    public virtual Type? ResponseType => null;

    /// <summary>Runs a request that arrived from another process through the local pipeline and writes its serialized
    /// <see cref="CatgaResult{T}"/>. Only requests with a serializable result support this.</summary>
    internal virtual ValueTask<CatgaResult> InvokeRequestAsync(Runtime.CatgaDispatcher dispatcher, object message, IBufferWriter<byte> result, CancellationToken cancellationToken)
        => throw new NotSupportedException($"{this} is not a request with a serializable result, so it cannot be handled for another process.");

    /// <summary>The process-wide <see cref="Runtime.MessageSlot{TMessage}.Index"/> of <see cref="Type"/>, so the distributed
    /// path finds a type's registration by array index; -1 for descriptions not made by generated code.</summary>
    internal virtual int Slot => -1;

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

    /// <summary>Calls <paramref name="visitor"/> with this entry's static types when it is a command or query whose
    /// result can be serialized.</summary>
    /// <param name="visitor">The visitor.</param>
    /// <returns>Whether the visitor was called.</returns>
    public virtual bool TryAccept(IRequestTypeVisitor visitor) => false;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Type.FullName})";
}
