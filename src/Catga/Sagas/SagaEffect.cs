using System.Buffers;
using Catga.Serialization;

namespace Catga.Sagas;

/// <summary>One thing a <see cref="SagaStep"/> asks for: a message to send, publish, schedule or keep as a compensation,
/// or the cancellation of a pending timeout. The runtime stores effects with the instance before it carries them out.</summary>
public abstract class SagaEffect
{
    private protected SagaEffect(SagaEffectKind kind, string messageType)
    {
        Kind = kind;
        MessageType = messageType;
    }

    /// <summary>What to do.</summary>
    public SagaEffectKind Kind { get; }

    /// <summary>The wire name of the message type (see <see cref="CatgaMessageNameAttribute"/>).</summary>
    public string MessageType { get; }

    /// <summary>The message, or <see langword="null"/> for <see cref="SagaEffectKind.Cancel"/>.</summary>
    public abstract IMessage? Message { get; }

    /// <summary>For <see cref="SagaEffectKind.Schedule"/>: how long after the transition the message is due.</summary>
    public TimeSpan Delay { get; private protected init; }

    /// <summary>The CLR type of the message.</summary>
    public abstract Type MessageClrType { get; }

    internal abstract void WritePayload(IBufferWriter<byte> output);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        SagaEffectKind.Cancel => $"Cancel {MessageType}",
        SagaEffectKind.Schedule => $"Schedule {MessageType} in {Delay}: {Message}",
        _ => $"{Kind} {MessageType}: {Message}",
    };
}

/// <summary>An effect with a typed message, serialized by the message's generated formatter.</summary>
/// <typeparam name="T">The message type.</typeparam>
internal sealed class SagaEffect<T> : SagaEffect
    where T : class, IMessage, ISerializableMessage<T>
{
    private readonly T? _message;

    public SagaEffect(SagaEffectKind kind, T? message, TimeSpan delay = default)
        : base(kind, T.MessageTypeName)
    {
        _message = message;
        Delay = delay;
    }

    public override IMessage? Message => _message;

    public override Type MessageClrType => typeof(T);

    internal override void WritePayload(IBufferWriter<byte> output)
    {
        if (_message is not null)
        {
            CatgaBinarySerializer.Serialize(_message, output);
        }
    }
}
