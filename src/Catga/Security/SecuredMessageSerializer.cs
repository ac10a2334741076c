using System.Buffers;
using Catga.Serialization;

namespace Catga.Security;

/// <summary>The application's serializer with message security attached: serialization is unchanged, and the envelope
/// (<c>MessageEnvelope</c>) protects and opens bodies through <see cref="Security"/>, where the headers are at hand.</summary>
internal sealed class SecuredMessageSerializer(IMessageSerializer inner, MessageSecurity security) : IMessageSerializer
{
    public MessageSecurity Security { get; } = security;

    public IMessageSerializer Inner { get; } = inner;

    public string ContentType => Inner.ContentType;

    public void Serialize(MessageTypeInfo type, object message, IBufferWriter<byte> output) => Inner.Serialize(type, message, output);

    public object Deserialize(MessageTypeInfo type, in ReadOnlySequence<byte> payload) => Inner.Deserialize(type, payload);
}
