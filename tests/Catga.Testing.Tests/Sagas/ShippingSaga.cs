using Catga.Sagas;

namespace Catga.Testing.Tests.Sagas;

[CatgaEvent]
public partial record ParcelBooked(string ParcelId, string Address);

[CatgaEvent]
public partial record ParcelPickedUp([property: SagaId] string ParcelId);

[CatgaEvent]
public partial record ParcelDelivered([property: SagaId] string ParcelId);

[CatgaCommand]
public partial record PickupOverdue([property: SagaId] string ParcelId);

[CatgaCommand]
public partial record SendCourier(string ParcelId, string Address);

[CatgaCommand]
public partial record CancelCourier(string ParcelId);

[CatgaCommand]
public partial record NotifyCustomer(string ParcelId, string Text);

[CatgaEvent]
public partial record ParcelClosed(string ParcelId);

public sealed record ShippingState(string Address = "", int Reminders = 0);

/// <summary>Book, pick up within 2 hours (one reminder, then give up and compensate), deliver.</summary>
[Saga]
public sealed partial class ShippingSaga : Saga<ShippingState>
{
    public const string AwaitingPickup = nameof(AwaitingPickup);
    public const string InTransit = nameof(InTransit);

    [Correlate] private static string Key(ParcelBooked m) => m.ParcelId;

    [Starts]
    public SagaStep Book(ParcelBooked m)
        => Transition(State with { Address = m.Address }, to: AwaitingPickup)
            .Send(new SendCourier(m.ParcelId, m.Address))
            .CompensateWith(new CancelCourier(m.ParcelId))
            .Schedule(new PickupOverdue(m.ParcelId), TimeSpan.FromHours(2));

    [In(AwaitingPickup)]
    public SagaStep Overdue(PickupOverdue m)
        => State.Reminders == 0
            ? Stay(State with { Reminders = 1 }).Send(new NotifyCustomer(m.ParcelId, "pickup is late")).Schedule(new PickupOverdue(m.ParcelId), TimeSpan.FromHours(1))
            : Compensate("no pickup after a reminder");

    [In(AwaitingPickup)]
    public SagaStep PickedUp(ParcelPickedUp m)
        => Transition(State, to: InTransit).Cancel<PickupOverdue>();

    [In(InTransit, WhenUnexpected = SagaUnexpectedPolicy.DeadLetter)]
    public SagaStep Delivered(ParcelDelivered m)
        => Complete().Publish(new ParcelClosed(m.ParcelId));
}
