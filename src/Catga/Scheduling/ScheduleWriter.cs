using Catga.Distributed;
using Catga.Outbox;

namespace Catga.Scheduling;

/// <summary>
/// Turns a bus schedule call into a store entry: the message is serialized now, with the message id, correlation and
/// causation ids and trace context it would have been sent with now, so the fired message is the same message. Inside
/// a handler whose outbox is captured the entry joins that outbox (see <see cref="ScheduledOutbox"/>); otherwise it
/// goes straight to the store.
/// </summary>
internal sealed class ScheduleWriter
{
    private readonly OutboundRouter _router;
    private readonly IScheduleStore _store;
    private readonly TimeProvider _time;

    public ScheduleWriter(OutboundRouter router, IScheduleStore store, TimeProvider time)
    {
        _router = router;
        _store = store;
        _time = time;
    }

    /// <summary>Raised after an entry is written to the store here, so the local scheduler re-reads the next due time.</summary>
    public event Action? Scheduled;

    public TimeProvider Time => _time;

    public async ValueTask<ScheduleId> ScheduleAsync(IMessage message, DateTimeOffset dueAt, ScheduleOptions? options, CancellationToken cancellationToken)
    {
        if (!_router.Registry.TryGetByType(message.GetType(), out var type))
        {
            throw new ArgumentException($"{message.GetType().FullName} is not in the message registry, so it cannot be scheduled (a scheduled message is stored serialized). Mark it with a Catga message attribute and call AddGeneratedHandlers() in the project that references it (it registers the generated registry), or pass that registry to UseBinarySerializer(...) or UseJsonSerializer(...).", nameof(message));
        }

        ScheduleId id = options?.Id is { IsEmpty: false } given ? given : ScheduleId.New(_time);
        var transportMessage = MessageEnvelope.Create(type, message, _router.Serializer);
        var entry = new ScheduledMessage(id.Value, dueAt, _router.Options.DestinationFor(type), transportMessage);
        if (InboundContext.Current is { CaptureOutbox: true } inbound)
        {
            inbound.Outbox.Add(ScheduledOutbox.ForSchedule(entry));
            return id;
        }

        await _store.ScheduleAsync([entry], cancellationToken).ConfigureAwait(false);
        SchedulingInstrumentation.Scheduled.Add(1);
        Scheduled?.Invoke();
        return id;
    }

    public async ValueTask<bool> CancelAsync(ScheduleId id, CancellationToken cancellationToken)
    {
        if (id.IsEmpty)
        {
            throw new ArgumentException("The schedule id is empty (default(ScheduleId)).", nameof(id));
        }

        if (InboundContext.Current is { CaptureOutbox: true } inbound)
        {
            OutboxMessage cancel = ScheduledOutbox.ForCancel(id.Value, MessageId.NewId(_time));
            inbound.Outbox.Add(cancel);
            return true;
        }

        bool cancelled = await _store.CancelAsync(id.Value, cancellationToken).ConfigureAwait(false);
        if (cancelled)
        {
            SchedulingInstrumentation.Cancelled.Add(1);
        }

        return cancelled;
    }
}
