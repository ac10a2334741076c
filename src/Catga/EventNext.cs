namespace Catga;

/// <summary>The rest of one event handler's pipeline, as seen by an event behavior: the next behavior, or the handler.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <remarks>Instances are built once per handler (per call only when a component is scoped or transient), so calling
/// the next step allocates nothing.</remarks>
public abstract class EventNext<TEvent>
    where TEvent : IEvent
{
    /// <summary>Runs the rest of the pipeline.</summary>
    /// <param name="event">The event (a behavior may pass a modified copy).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the handler has handled the event; a thrown exception marks the handler as failed.</returns>
    public abstract ValueTask InvokeAsync(TEvent @event, CancellationToken cancellationToken);
}
