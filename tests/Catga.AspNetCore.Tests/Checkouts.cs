using Catga.Sagas;

namespace Catga.AspNetCore.Tests;

/// <summary>Starts a checkout saga (in process: the dashboard's saga view lists its instances).</summary>
[CatgaEvent]
public partial record CheckoutStarted(string CheckoutId, decimal Total) : IEvent;

[CatgaEvent]
public partial record CheckoutPaid(string CheckoutId) : IEvent;

[CatgaEvent]
public partial record CheckoutAbandoned(string CheckoutId) : IEvent;

public sealed record CheckoutState(decimal Total = 0);

/// <summary>A checkout waits for its payment, then completes, or is abandoned (failed).</summary>
[Saga]
public sealed partial class CheckoutSaga : Saga<CheckoutState>
{
    public const string AwaitingPayment = nameof(AwaitingPayment);

    [Correlate] private static string Key(CheckoutStarted m) => m.CheckoutId;

    [Correlate] private static string Key(CheckoutPaid m) => m.CheckoutId;

    [Correlate] private static string Key(CheckoutAbandoned m) => m.CheckoutId;

    [Starts]
    public SagaStep Start(CheckoutStarted m) => Transition(State with { Total = m.Total }, to: AwaitingPayment);

    [In(AwaitingPayment)]
    public SagaStep Handle(CheckoutPaid m) => Complete();

    [In(AwaitingPayment)]
    public SagaStep Handle(CheckoutAbandoned m) => Compensate("abandoned by the customer");
}
