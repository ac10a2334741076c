using System.Buffers;
using Catga.Distributed;
using Catga.Locking;
using Catga.Outbox;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Catga.Scheduling;

/// <summary>
/// Fires due scheduled messages on one node at a time: the node holding the lease lock claims due entries with its
/// fencing token (one atomic store step), hands them to the outbox or the transport exactly as an immediate send
/// would, and completes them with the same token, adding the next occurrence of each recurring message. A node that
/// lost its lease without noticing is refused by the store; what it claimed is claimed again by the next leader, and
/// fires with the same message id. Recurring messages that are not [Distributed] (nothing consumes them from the
/// transport) run this process's handlers instead.
/// </summary>
internal sealed class MessageScheduler
{
    private readonly IScheduleStore _store;
    private readonly FencedLeaderLoop _leader;
    private readonly OutboundRouter _router;
    private readonly SchedulerOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<(MessageTypeInfo Type, RecurringSchedule Schedule)> _recurring = [];
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _idle = NewSignal();
    private TaskCompletionSource _nextIdle = NewSignal();

    public MessageScheduler(IScheduleStore store, IDistributedLock @lock, OutboundRouter router, SchedulerOptions options, IServiceProvider services, TimeProvider time, ILogger logger)
    {
        _store = store;
        _router = router;
        _options = options;
        _services = services;
        _time = time;
        _logger = logger;
        _leader = new FencedLeaderLoop(@lock, options.LockName, options.LeaseTime, (what, token) => SchedulingLog.Lease(logger, what, token), (retryMs, ex) => SchedulingLog.Failed(logger, retryMs, ex));
        foreach (MessageTypeInfo type in router.Registry.Types)
        {
            if (type.Recurring is { } schedule)
            {
                _recurring.Add((type, schedule));
            }
        }
    }

    public bool IsLeader => _leader.IsLeader;

    /// <summary>The recurring messages whose schedule cannot be used here, for the startup check.</summary>
    public IEnumerable<string> Problems => _recurring
        .Where(r => r.Schedule.Problem is not null)
        .Select(r => $"The recurring message {r.Type.Name}: {r.Schedule.Problem}.");

    public long Fired { get; private set; }

    public SchedulerOptions Options => _options;

    /// <summary>Complete while the scheduler waits for time to pass, with its timer set (tests advance a fake clock then);
    /// pending while it works.</summary>
    internal Task Idle => Volatile.Read(ref _idle).Task;

    /// <summary>Completes when the scheduler next starts to wait (after the work that a clock advance caused).</summary>
    internal Task NextIdle => Volatile.Read(ref _nextIdle).Task;

    /// <summary>Wakes the scheduler: something was scheduled here and may be due sooner than it planned to look.</summary>
    public void Signal() => Volatile.Read(ref _wake).TrySetResult();

    public Task RunAsync(CancellationToken stopping) => _leader.RunAsync(LeadAsync, WaitAsync, stopping);

    /// <summary>Makes sure every recurring message has its next occurrence stored, keeping a stored one of the same
    /// recurrence (so the next occurrence survives restarts) and replacing one whose attribute changed.</summary>
    private async Task EnsureRecurringAsync(CancellationToken stopping)
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (var (type, schedule) in _recurring)
        {
            string id = RecurringId(type);
            ScheduledMessage? existing = await _store.GetAsync(id, stopping).ConfigureAwait(false);
            if (existing is not null && existing.Recurrence == schedule.Describe())
            {
                continue;
            }

            if (schedule.NextAfter(now) is { } due)
            {
                await _store.ScheduleAsync([Occurrence(type, schedule, due)], stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task LeadAsync(ILockLease lease, CancellationToken stopping)
    {
        await EnsureRecurringAsync(stopping).ConfigureAwait(false);
        var renewal = new LeaseRenewal(lease, _options.LeaseTime, _time);
        while (!stopping.IsCancellationRequested)
        {
            if (!await renewal.RenewIfDueAsync(stopping).ConfigureAwait(false))
            {
                SchedulingLog.Lease(_logger, "lost", lease.FencingToken);
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            var batch = await _store.ClaimDueAsync(now, _options.BatchSize, lease.FencingToken, stopping).ConfigureAwait(false);
            if (batch.Count > 0)
            {
                await FireAsync(batch, now, lease.FencingToken, stopping).ConfigureAwait(false);
                continue;
            }

            TimeSpan wait = _options.PollInterval;
            var soonest = await _store.ListPendingAsync(0, 1, stopping).ConfigureAwait(false);
            if (soonest.Count > 0)
            {
                TimeSpan untilDue = soonest[0].DueAt - _time.GetUtcNow();
                if (untilDue <= TimeSpan.Zero)
                {
                    // Due but not claimable yet (a replacement waiting for its earlier version): look again shortly.
                    untilDue = TimeSpan.FromMilliseconds(10);
                }

                wait = untilDue < wait ? untilDue : wait;
            }

            await WaitAsync(wait, stopping).ConfigureAwait(false);
        }
    }

    private async Task FireAsync(IReadOnlyList<ScheduledMessage> batch, DateTimeOffset now, long fencingToken, CancellationToken stopping)
    {
        var ids = new List<string>(batch.Count);
        var outgoing = new List<OutboxMessage>(batch.Count);
        var local = new List<(MessageTypeInfo Type, ScheduledMessage Entry)>();
        var next = new List<ScheduledMessage>();
        foreach (ScheduledMessage entry in batch)
        {
            ids.Add(entry.Id);
            TimeSpan lateness = now - entry.DueAt;
            if (entry.Recurrence is not null)
            {
                if (!_router.Registry.TryGetByName(entry.MessageType ?? string.Empty, out var recurringType) || recurringType.Recurring is not { } schedule)
                {
                    SchedulingLog.Unfireable(_logger, entry.Id, entry.MessageType ?? "?", "the message type is no longer recurring in this build");
                    continue;
                }

                DateTimeOffset? following = schedule.NextAfter(entry.DueAt);
                if (schedule.NextAfter(now > entry.DueAt ? now : entry.DueAt) is { } nextDue)
                {
                    next.Add(Occurrence(recurringType, schedule, nextDue));
                }

                if (schedule.CatchUp == RecurringCatchUp.Skip && following is { } f && f <= now)
                {
                    SchedulingInstrumentation.Skipped.Add(1);
                    continue;
                }

                if (IsLocal(recurringType))
                {
                    SchedulingInstrumentation.Lateness.Record(lateness.TotalSeconds);
                    local.Add((recurringType, entry));
                    continue;
                }
            }

            // Reported as measured: a message fired before its due time would show a negative value.
            SchedulingInstrumentation.Lateness.Record(lateness.TotalSeconds);
            outgoing.Add(new OutboxMessage(entry.Message.MessageId!, entry.Destination, entry.Message));
        }

        await _router.DeliverAsync(outgoing, stopping).ConfigureAwait(false);
        foreach (var (type, entry) in local)
        {
            await RunLocalAsync(type, entry, stopping).ConfigureAwait(false);
        }

        await _store.CompleteAsync(ids, next, fencingToken, CancellationToken.None).ConfigureAwait(false);
        int fired = outgoing.Count + local.Count;
        Fired += fired;
        SchedulingInstrumentation.Fired.Add(fired);
    }

    /// <summary>Whether a recurring message runs this process's handlers rather than going to the transport: nothing
    /// consumes it from the transport when it is neither [Distributed] nor named with Consume&lt;T&gt;().</summary>
    private bool IsLocal(MessageTypeInfo type)
        => !type.IsDistributed && !_router.Options.ExplicitConsume.Contains(type.Name) && !_router.Options.IsRouted(type);

    private async Task RunLocalAsync(MessageTypeInfo type, ScheduledMessage entry, CancellationToken stopping)
    {
        object message = MessageEnvelope.ApplyHeaders(
            _router.Serializer.Deserialize(type, new ReadOnlySequence<byte>(entry.Message.Body)),
            entry.Message.Headers);
        await using var scope = _services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<ICatgaMediator>();
        CatgaResult result = message switch
        {
            IEvent @event => await mediator.PublishAsync(@event, stopping).ConfigureAwait(false),
            ICommand command => await mediator.SendAsync(command, stopping).ConfigureAwait(false),
            _ => CatgaResult.Failure(CatgaErrorCodes.NoHandler, $"{type.Name} is recurring but neither an event nor a command without a result, so it can only be fired to the transport: mark it [Distributed]."),
        };
        if (!result.IsSuccess)
        {
            SchedulingLog.LocalFailed(_logger, type.Name, result.Error!.Code, result.Error.Message);
        }
    }

    private ScheduledMessage Occurrence(MessageTypeInfo type, RecurringSchedule schedule, DateTimeOffset due)
    {
        MessageId id = RecurringMessageIds.For(type.Name, due);
        object message = schedule.Create();
        if (message is IMessage envelope)
        {
            message = envelope.WithEnvelope(id, null, null);
        }

        var transportMessage = MessageEnvelope.Create(type, message, _router.Serializer);

        // Non-generated messages keep no id of their own; the header is what the inbox and JetStream see.
        transportMessage.Headers.Set(Transport.MessageHeaderNames.MessageId, id.ToString());
        return new ScheduledMessage(RecurringId(type), due, _router.Options.DestinationFor(type), transportMessage, schedule.Describe());
    }

    internal static string RecurringId(MessageTypeInfo type) => "recurring:" + type.Name;

    private async Task WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        TaskCompletionSource wake = Volatile.Read(ref _wake);
        if (!wake.Task.IsCompleted)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Task timer = Task.Delay(delay, _time, cancel.Token);
            Volatile.Read(ref _idle).TrySetResult();
            Interlocked.Exchange(ref _nextIdle, NewSignal()).TrySetResult();
            await Task.WhenAny(timer, wake.Task).ConfigureAwait(false);
            Interlocked.Exchange(ref _idle, NewSignal());
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        if (wake.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, NewSignal(), wake);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
