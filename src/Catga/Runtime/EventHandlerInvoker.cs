using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// Calls one event handler. The generator emits one sealed subclass per handler and event, so the call to the handler
/// is made from code that names the event type instead of through an interface call in shared generic code.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class EventHandlerInvoker<TEvent>
    where TEvent : class, IEvent
{
    /// <summary>Calls the handler.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the handler has handled the event.</returns>
    public abstract ValueTask InvokeAsync(TEvent @event, CancellationToken cancellationToken);
}
