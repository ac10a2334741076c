namespace Catga;

/// <summary>
/// Wraps each handler of an event: runs code before and after the handler, or skips it. An event with three handlers
/// runs the behavior three times, once around each, so a failure or a retry concerns one handler only.
/// Which events a behavior applies to is decided at compile time, as for <see cref="IPipelineBehavior{TRequest, TResponse}"/>:
/// an open behavior such as <c>Logging&lt;TEvent&gt;</c> applies to every event, a constraint such as
/// <c>where TEvent : IAudited</c> limits it to events implementing that marker, and a closed behavior such as
/// <c>IEventBehavior&lt;OrderPlaced&gt;</c> applies to that event only. Order them with <see cref="PipelineBehaviorAttribute.Order"/>.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface IEventBehavior<TEvent>
    where TEvent : IEvent
{
    /// <summary>Handles the event, usually by calling <paramref name="next"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="next">The rest of this handler's pipeline: the next behavior, or the handler.</param>
    /// <param name="cancellationToken">Cancels the work; pass it on to <paramref name="next"/>.</param>
    /// <returns>A task that completes when the event is handled; a thrown exception marks the handler as failed.</returns>
    ValueTask HandleAsync(TEvent @event, EventNext<TEvent> next, CancellationToken cancellationToken);
}
