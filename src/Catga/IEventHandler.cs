namespace Catga;

/// <summary>Reacts to an event. An event type may have any number of handlers.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface IEventHandler<in TEvent>
    where TEvent : IEvent
{
    /// <summary>Handles the event. A thrown exception marks this handler as failed; the other handlers still run.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken);
}
