using Catga.Chaos;
using Catga.Sagas;

namespace Catga.Chaos.Worker;

public sealed record ChaosOrderState(int N = 0, bool Paid = false, bool Packed = false);

/// <summary>
/// The chaos test's order saga: placed, paid, packed (three messages from the test), then the shipping window (a
/// timeout through the durable scheduler) completes it. Every transition publishes one <see cref="ChaosOrderStep"/>.
/// Messages that overtake the one before them fail and are retried, so the order of delivery does not matter.
/// </summary>
[Saga(Name = ChaosSagaNames.Saga)]
public sealed partial class ChaosOrderSaga : Saga<ChaosOrderState>
{
    public const string AwaitingPayment = nameof(AwaitingPayment);
    public const string Packing = nameof(Packing);
    public const string AwaitingShipWindow = nameof(AwaitingShipWindow);

    /// <summary>Short, so the test sees every timeout fire; the scheduler polls every 200 ms.</summary>
    private static readonly TimeSpan ShipWindow = TimeSpan.FromSeconds(1);

    [Correlate] private static string Key(ChaosOrderPlaced m) => ChaosSagaNames.Key(m.N);

    [Correlate] private static string Key(ChaosPaymentCaptured m) => ChaosSagaNames.Key(m.N);

    [Correlate] private static string Key(ChaosOrderPacked m) => ChaosSagaNames.Key(m.N);

    [Correlate] private static string Key(ChaosShipWindowElapsed m) => ChaosSagaNames.Key(m.N);

    [Starts]
    public SagaStep Start(ChaosOrderPlaced m)
        => Transition(State with { N = m.N }, to: AwaitingPayment).Publish(new ChaosOrderStep(m.N, "placed"));

    [In(AwaitingPayment, WhenNotFound = SagaNotFoundPolicy.Fail, WhenUnexpected = SagaUnexpectedPolicy.Fail)]
    public SagaStep Handle(ChaosPaymentCaptured m)
        => Transition(State with { Paid = true }, to: Packing).Publish(new ChaosOrderStep(m.N, "paid"));

    [In(Packing, WhenNotFound = SagaNotFoundPolicy.Fail, WhenUnexpected = SagaUnexpectedPolicy.Fail)]
    public SagaStep Handle(ChaosOrderPacked m)
        => Transition(State with { Packed = true }, to: AwaitingShipWindow)
            .Publish(new ChaosOrderStep(m.N, "packed"))
            .Schedule(new ChaosShipWindowElapsed(m.N), ShipWindow);

    [In(AwaitingShipWindow)]
    public SagaStep Handle(ChaosShipWindowElapsed m) => Complete().Publish(new ChaosOrderStep(m.N, "shipped"));
}
