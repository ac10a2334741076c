using Catga.Scheduling;

namespace Catga.Distributed;

/// <summary>The <see cref="ICatgaBus"/> over the outbound router and the schedule writer.</summary>
internal sealed class CatgaBus(OutboundRouter router, ScheduleWriter schedules) : ICatgaBus
{
    public ValueTask<CatgaResult> SendAsync(IMessage command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is IEvent)
        {
            throw new ArgumentException($"{command.GetType().FullName} is an event; publish it with PublishAsync.", nameof(command));
        }

        return router.SendOneWayAsync(command, cancellationToken);
    }

    public ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return router.SendOneWayAsync(@event, cancellationToken);
    }

    public ValueTask<CatgaResult> PublishBatchAsync(IReadOnlyList<IMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return router.SendOneWayBatchAsync(messages, cancellationToken);
    }

    public ValueTask<ScheduleId> ScheduleSendAsync(IMessage command, TimeSpan delay, ScheduleOptions? options = null, CancellationToken cancellationToken = default)
        => ScheduleSendAsync(command, schedules.Time.GetUtcNow() + delay, options, cancellationToken);

    public ValueTask<ScheduleId> ScheduleSendAsync(IMessage command, DateTimeOffset dueAt, ScheduleOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is IEvent)
        {
            throw new ArgumentException($"{command.GetType().FullName} is an event; schedule it with SchedulePublishAsync.", nameof(command));
        }

        return schedules.ScheduleAsync(command, dueAt, options, cancellationToken);
    }

    public ValueTask<ScheduleId> SchedulePublishAsync(IEvent @event, TimeSpan delay, ScheduleOptions? options = null, CancellationToken cancellationToken = default)
        => SchedulePublishAsync(@event, schedules.Time.GetUtcNow() + delay, options, cancellationToken);

    public ValueTask<ScheduleId> SchedulePublishAsync(IEvent @event, DateTimeOffset dueAt, ScheduleOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return schedules.ScheduleAsync(@event, dueAt, options, cancellationToken);
    }

    public ValueTask<bool> CancelScheduledAsync(ScheduleId id, CancellationToken cancellationToken = default)
        => schedules.CancelAsync(id, cancellationToken);
}
