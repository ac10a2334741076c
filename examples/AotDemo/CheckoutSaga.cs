using Catga;
using Catga.Sagas;

namespace AotDemo;

[CatgaEvent]
public partial record CheckoutStarted(string OrderId, decimal Amount);

[CatgaEvent]
public partial record PaymentReceived([property: SagaId] string OrderId);

[CatgaCommand]
public partial record PaymentDeadline([property: SagaId] string OrderId);

[CatgaCommand]
public partial record ReserveItems(string OrderId);

[CatgaCommand]
public partial record ReleaseItems(string OrderId);

public sealed record CheckoutState(decimal Amount = 0);

/// <summary>Reserve the items, wait 10 minutes for the payment, and release them again if it does not come.</summary>
[Saga]
public sealed partial class CheckoutSaga : Saga<CheckoutState>
{
    public const string AwaitingPayment = nameof(AwaitingPayment);

    [Correlate] private static string Key(CheckoutStarted m) => m.OrderId;

    [Starts]
    public SagaStep Start(CheckoutStarted m)
        => Transition(State with { Amount = m.Amount }, to: AwaitingPayment)
            .Send(new ReserveItems(m.OrderId))
            .CompensateWith(new ReleaseItems(m.OrderId))
            .Schedule(new PaymentDeadline(m.OrderId), TimeSpan.FromMinutes(10));

    [In(AwaitingPayment)]
    public SagaStep Paid(PaymentReceived m) => Complete().Cancel<PaymentDeadline>();

    [In(AwaitingPayment)]
    public SagaStep Late(PaymentDeadline m) => Compensate("no payment within 10 minutes");
}

[CatgaHandler]
public sealed class ReserveItemsHandler : ICommandHandler<ReserveItems>
{
    public ValueTask<CatgaResult> HandleAsync(ReserveItems command, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  warehouse: items of {command.OrderId} reserved");
        return new(CatgaResult.Success());
    }
}

[CatgaHandler]
public sealed class ReleaseItemsHandler : ICommandHandler<ReleaseItems>
{
    public ValueTask<CatgaResult> HandleAsync(ReleaseItems command, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  warehouse: items of {command.OrderId} released (compensation)");
        return new(CatgaResult.Success());
    }
}

/// <summary>
/// The demo's stand-in for the durable scheduler (which needs distributed messaging): it keeps the saga's timeouts
/// and delivers the due ones when the demo moves its virtual clock, so the output is the same on every run.
/// </summary>
public sealed class DemoTimeouts : ISagaTimeoutScheduler
{
    private readonly SortedDictionary<string, (IMessage Message, DateTimeOffset DueAt)> _pending = new(StringComparer.Ordinal);

    public ValueTask ScheduleAsync(string scheduleId, IMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        _pending[scheduleId] = (message, dueAt);
        return ValueTask.CompletedTask;
    }

    public ValueTask CancelAsync(string scheduleId, CancellationToken cancellationToken)
    {
        _pending.Remove(scheduleId);
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers every timeout due at <paramref name="now"/>.</summary>
    public async Task FireDueAsync(ICatgaMediator mediator, DateTimeOffset now)
    {
        foreach (var (id, (message, dueAt)) in _pending.ToList())
        {
            if (dueAt <= now && message is ICommand command)
            {
                _pending.Remove(id);
                await mediator.SendAsync(command);
            }
        }
    }
}
