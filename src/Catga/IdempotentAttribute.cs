namespace Catga;

/// <summary>
/// Declares that duplicates of this command are removed before its handler runs: the inbox records each
/// <see cref="IMessage.MessageId"/> it has handled and drops a message whose id it has seen, so the handler's effect
/// happens once even when the transport delivers the command twice.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class IdempotentAttribute : Attribute
{
}
