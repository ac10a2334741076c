namespace Catga.Sagas;

/// <summary>
/// Delivers a saga's scheduled messages when they are due and cancels them. Implemented over Catga's durable
/// scheduler; the runtime calls it only after the transition that asked for it is stored, with a schedule id derived
/// from the saga, the instance and the timeout's message id, so calling it twice for one timeout is harmless.
/// </summary>
public interface ISagaTimeoutScheduler
{
    /// <summary>Schedules <paramref name="message"/> for <paramref name="dueAt"/> under <paramref name="scheduleId"/>
    /// (a second call with the same id does not schedule it twice). When due, the message is sent (a command) or
    /// published (an event) with its message id unchanged, which is how the saga recognises an active timeout.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="message">The message.</param>
    /// <param name="dueAt">When it is due.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schedule is stored.</returns>
    ValueTask ScheduleAsync(string scheduleId, IMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Cancels the message scheduled under <paramref name="scheduleId"/>; does nothing when it already fired or was cancelled.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the cancellation is stored.</returns>
    ValueTask CancelAsync(string scheduleId, CancellationToken cancellationToken);
}
