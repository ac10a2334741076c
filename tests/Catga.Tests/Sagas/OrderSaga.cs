using Catga.Sagas;

namespace Catga.Tests.Sagas;

[CatgaEvent]
public partial record OrderPlaced(string OrderId, decimal Total);

[CatgaEvent]
public partial record StockReserved([property: SagaId] string OrderId);

[CatgaEvent]
public partial record PaymentCaptured(string OrderId);

[CatgaEvent]
public partial record PaymentDeclined(string OrderId, string Reason);

[CatgaCommand]
public partial record PaymentTimedOut(string OrderId);

[CatgaCommand]
public partial record ReserveStock(string OrderId);

[CatgaCommand]
public partial record ReleaseStock(string OrderId);

[CatgaCommand]
public partial record CapturePayment(string OrderId, decimal Amount);

[CatgaCommand]
public partial record RefundPayment(string OrderId, decimal Amount);

[CatgaEvent]
public partial record OrderConfirmed(string OrderId, decimal Total);

public sealed record OrderState(decimal Total = 0, int Attempts = 0);

/// <summary>The saga of the tests: place, reserve stock, capture payment within 15 minutes, or compensate.</summary>
[Saga]
public sealed partial class OrderSaga : Saga<OrderState>
{
    public const string Reserving = nameof(Reserving);
    public const string AwaitingPayment = nameof(AwaitingPayment);

    [Correlate] private static string Key(OrderPlaced m) => m.OrderId;

    [Correlate] private static string Key(PaymentCaptured m) => m.OrderId;

    [Correlate] private static string Key(PaymentDeclined m) => m.OrderId;

    [Correlate] private static string Key(PaymentTimedOut m) => m.OrderId;

    [Starts]
    public SagaStep Start(OrderPlaced m)
        => Transition(State with { Total = m.Total }, to: Reserving)
            .Send(new ReserveStock(m.OrderId))
            .CompensateWith(new ReleaseStock(m.OrderId));

    [In(Reserving)]
    public SagaStep Handle(StockReserved m)
        => Transition(State, to: AwaitingPayment)
            .Send(new CapturePayment(m.OrderId, State.Total))
            .Schedule(new PaymentTimedOut(m.OrderId), TimeSpan.FromMinutes(15));

    [In(AwaitingPayment, WhenUnexpected = SagaUnexpectedPolicy.DeadLetter)]
    public SagaStep Handle(PaymentCaptured m)
        => Complete().Cancel<PaymentTimedOut>().Publish(new OrderConfirmed(m.OrderId, State.Total));

    [In(AwaitingPayment)]
    public SagaStep Handle(PaymentDeclined m) => Compensate("payment declined: " + m.Reason);

    [In(AwaitingPayment)]
    public SagaStep Handle(PaymentTimedOut m) => Compensate("payment timed out");
}
