using Catga;
using Catga.Distributed;
using Catga.Sagas;

namespace Catga.Testing.Tests.Sagas;

// A saga run across three services in one tracked session: "orders" runs the saga, "payments" charges the card and
// answers with an event, "stock" releases the hold when the saga compensates. The timeout goes through the durable
// scheduler of the orders host and fires only when the test moves the harness's clock.

[CatgaEvent, Distributed]
public partial record CheckoutStarted(string OrderId, decimal Total);

[CatgaCommand, Distributed, Idempotent]
public partial record ChargeCard(string OrderId, decimal Amount);

[CatgaEvent, Distributed]
public partial record CardCharged([property: SagaId] string OrderId);

[CatgaCommand, Distributed, Idempotent]
public partial record CheckoutTimedOut([property: SagaId] string OrderId);

[CatgaCommand, Distributed, Idempotent]
public partial record ReleaseHold(string OrderId);

[CatgaEvent, Distributed]
public partial record CheckoutCompleted(string OrderId);

public sealed record CheckoutState(decimal Total = 0);

[Saga]
public sealed partial class CheckoutSaga : Saga<CheckoutState>
{
    public const string AwaitingCharge = nameof(AwaitingCharge);

    [Correlate] private static string Key(CheckoutStarted m) => m.OrderId;

    [Starts]
    public SagaStep Start(CheckoutStarted m)
        => Transition(State with { Total = m.Total }, to: AwaitingCharge)
            .Send(new ChargeCard(m.OrderId, m.Total))
            .CompensateWith(new ReleaseHold(m.OrderId))
            .Schedule(new CheckoutTimedOut(m.OrderId), TimeSpan.FromMinutes(15));

    [In(AwaitingCharge)]
    public SagaStep Charged(CardCharged m)
        => Complete().Cancel<CheckoutTimedOut>().Publish(new CheckoutCompleted(m.OrderId));

    [In(AwaitingCharge)]
    public SagaStep TimedOut(CheckoutTimedOut m) => Compensate("the card was not charged within 15 minutes");
}

/// <summary>Charges cards up to a limit; above it the payment provider never answers (the saga's timeout decides).</summary>
public sealed class ChargeCardHandler(FlowLog log, ICatgaBus bus) : ICommandHandler<ChargeCard>
{
    public const decimal Limit = 100m;

    public async ValueTask<CatgaResult> HandleAsync(ChargeCard command, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("charge " + command.OrderId);
        return command.Amount > Limit
            ? CatgaResult.Success()
            : await bus.PublishAsync(new CardCharged(command.OrderId), cancellationToken);
    }
}

public sealed class ReleaseHoldHandler(FlowLog log) : ICommandHandler<ReleaseHold>
{
    public ValueTask<CatgaResult> HandleAsync(ReleaseHold command, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("release " + command.OrderId);
        return new(CatgaResult.Success());
    }
}

public sealed class CheckoutCompletedHandler(FlowLog log) : IEventHandler<CheckoutCompleted>
{
    public ValueTask HandleAsync(CheckoutCompleted @event, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("completed " + @event.OrderId);
        return ValueTask.CompletedTask;
    }
}
