using System.ComponentModel;
namespace Catga.Runtime;

/// <summary>A small process-wide index per message type, so a dispatcher finds a pipeline by array index rather than
/// by a lookup keyed by <see cref="Type"/>.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MessageSlot<TMessage>
{
    /// <summary>The index of <typeparamref name="TMessage"/>, assigned on first use.</summary>
    public static readonly int Index = MessageSlotCounter.Next();
}
