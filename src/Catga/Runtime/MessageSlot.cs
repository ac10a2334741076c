namespace Catga.Runtime;

/// <summary>A small process-wide index per message type, so a dispatcher finds a pipeline by array index rather than
/// by a lookup keyed by <see cref="Type"/>.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
internal static class MessageSlot<TMessage>
{
    internal static readonly int Index = MessageSlotCounter.Next();
}
