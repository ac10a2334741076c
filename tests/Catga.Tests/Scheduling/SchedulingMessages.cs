using System.Collections.Concurrent;
using Catga.Scheduling;

namespace Catga.Tests.Scheduling;

[CatgaCommand, Distributed, Idempotent]
public sealed partial record RemindCustomer(string OrderId);

[CatgaEvent, Distributed]
public sealed partial record InvoiceDue(string InvoiceId);

/// <summary>Handled here; schedules a reminder from inside its handler (through the handler's outbox).</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record PlaceOrderLater(string OrderId, bool Fail, bool CancelReminder = false);

/// <summary>Recurring and not [Distributed]: fired into this process's handlers.</summary>
[CatgaEvent, Recurring(IntervalSeconds = 60)]
public sealed partial record MinuteTick;

/// <summary>Recurring, distributed, skipping missed occurrences, at 09:00 Berlin time.</summary>
[CatgaEvent, Distributed, Recurring("0 0 9 * * *", TimeZone = "Europe/Berlin", CatchUp = RecurringCatchUp.Skip)]
public sealed partial record MorningReport;

/// <summary>What the scheduling tests' handlers saw. Optional in handlers, so other tests' hosts need not register it.</summary>
public sealed class ScheduleRecorder
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<IMessage>> _waiters = new();

    public ConcurrentQueue<(string Kind, IMessage Message, DateTimeOffset At)> Seen { get; } = new();

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public int Count(string kind) => Seen.Count(s => s.Kind == kind);

    public void Record(string kind, IMessage message)
    {
        Seen.Enqueue((kind, message, Time.GetUtcNow()));
        Waiter(kind + "#" + Count(kind)).TrySetResult(message);
    }

    /// <summary>Completes when the <paramref name="n"/>-th message of <paramref name="kind"/> was handled.</summary>
    public Task<IMessage> WhenAsync(string kind, int n = 1) => Waiter(kind + "#" + n).Task.WaitAsync(TimeSpan.FromSeconds(20));

    private TaskCompletionSource<IMessage> Waiter(string key) => _waiters.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed class RemindCustomerHandler(ScheduleRecorder? recorder = null) : ICommandHandler<RemindCustomer>
{
    public ValueTask<CatgaResult> HandleAsync(RemindCustomer command, CancellationToken cancellationToken)
    {
        recorder?.Record("remind", command);
        return new(CatgaResult.Success());
    }
}

public sealed class InvoiceDueHandler(ScheduleRecorder? recorder = null) : IEventHandler<InvoiceDue>
{
    public ValueTask HandleAsync(InvoiceDue @event, CancellationToken cancellationToken)
    {
        recorder?.Record("invoice", @event);
        return default;
    }
}

public sealed class MinuteTickHandler(ScheduleRecorder? recorder = null) : IEventHandler<MinuteTick>
{
    public ValueTask HandleAsync(MinuteTick @event, CancellationToken cancellationToken)
    {
        recorder?.Record("tick", @event);
        return default;
    }
}

public sealed class MorningReportHandler(ScheduleRecorder? recorder = null) : IEventHandler<MorningReport>
{
    public ValueTask HandleAsync(MorningReport @event, CancellationToken cancellationToken)
    {
        recorder?.Record("morning", @event);
        return default;
    }
}

public sealed class PlaceOrderLaterHandler(Catga.Distributed.ICatgaBus bus, ScheduleRecorder? recorder = null) : ICommandHandler<PlaceOrderLater>
{
    public async ValueTask<CatgaResult> HandleAsync(PlaceOrderLater command, CancellationToken cancellationToken)
    {
        var id = new ScheduleId("remind:" + command.OrderId);
        if (command.CancelReminder)
        {
            await bus.CancelScheduledAsync(id, cancellationToken);
        }
        else
        {
            await bus.ScheduleSendAsync(new RemindCustomer(command.OrderId), TimeSpan.FromMinutes(30), new ScheduleOptions { Id = id }, cancellationToken);
        }

        recorder?.Record("placed", command);
        return command.Fail ? CatgaResult.Failure("Test.Failed", "the handler failed after scheduling") : CatgaResult.Success();
    }
}
