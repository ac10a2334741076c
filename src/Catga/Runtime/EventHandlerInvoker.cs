using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// Calls one event handler, through the event behaviors that apply to it. The generator emits one sealed subclass per
/// handler and event (and one per behavior step), so each call is made from code that names the event type instead of
/// through an interface call in shared generic code.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class EventHandlerInvoker<TEvent> : EventNext<TEvent>
    where TEvent : class, IEvent
{
}
