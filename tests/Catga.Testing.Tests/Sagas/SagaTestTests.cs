using Catga.Sagas;
using Catga.Testing.Sagas;

namespace Catga.Testing.Tests.Sagas;

public sealed class SagaTestTests
{
    [Fact]
    public void Starting_message_moves_sends_and_schedules()
    {
        SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelBooked("p-1", "1 Main St"))
            .Then(ShippingSaga.AwaitingPickup, new ShippingState("1 Main St"))
            .ThenSent(new SendCourier("p-1", "1 Main St"))
            .ThenNothingPublished()
            .ThenScheduled<PickupOverdue>(TimeSpan.FromHours(2));
    }

    [Fact]
    public void Whole_scenario_completes_with_no_timeout_left()
    {
        var outcome = SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelBooked("p-2", "2 Main St"))
            .When(new ParcelPickedUp("p-2"))
            .Then(ShippingSaga.InTransit)
            .ThenCancelled<PickupOverdue>()
            .ThenNoTimeoutScheduled()
            .ThenNothingSent()
            .When(new ParcelDelivered("p-2"))
            .Completed()
            .ThenPublished(new ParcelClosed("p-2"));

        Assert.Equal(SagaStates.Completed, outcome.To);
    }

    [Fact]
    public void Timeout_fires_twice_then_compensations_are_sent_in_reverse_order()
    {
        SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelBooked("p-3", "3 Main St"))
            .WhenTimeoutFires<PickupOverdue>()
            .Then(ShippingSaga.AwaitingPickup)
            .ThenState(s => s.Reminders == 1, "one reminder")
            .ThenSent(new NotifyCustomer("p-3", "pickup is late"))
            .ThenScheduled<PickupOverdue>(TimeSpan.FromHours(1))
            .WhenTimeoutFires<PickupOverdue>()
            .Compensated(new CancelCourier("p-3"))
            .ThenNoTimeoutScheduled();
    }

    [Fact]
    public void Given_state_starts_from_an_existing_instance()
    {
        SagaTest.For(ShippingSaga.Definition)
            .Given(ShippingSaga.InTransit, new ShippingState("4 Main St"))
            .When(new ParcelDelivered("p-4"))
            .Completed()
            .ThenPublished(new ParcelClosed("p-4"));
    }

    [Fact]
    public void Message_in_a_state_without_a_handler_is_reported_as_not_handled()
    {
        var outcome = SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelBooked("p-5", "5 Main St"))
            .When(new ParcelDelivered("p-5"))
            .Ignored()
            .Then(ShippingSaga.AwaitingPickup);

        Assert.Contains("DeadLetter", outcome.IgnoredBecause);
    }

    [Fact]
    public void Message_without_an_instance_is_ignored_unless_it_starts_the_saga()
    {
        SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelPickedUp("p-6"))
            .Ignored()
            .ThenNothingSent();
    }

    [Fact]
    public void Failed_expectation_throws_with_what_happened()
    {
        var outcome = SagaTest.For(ShippingSaga.Definition).When(new ParcelBooked("p-7", "7 Main St"));

        var failure = Assert.Throws<SagaAssertionException>(() => outcome.ThenNoTimeoutScheduled());

        Assert.StartsWith("Expected no timeout to be scheduled, but saga ParcelBooked in Initial: moved to AwaitingPickup", failure.Message);
        Assert.Contains("scheduled PickupOverdue", failure.Message);
        Assert.Contains("in 02:00:00", failure.Message);
        Assert.Throws<SagaAssertionException>(() => outcome.ThenSent(new SendCourier("p-7", "elsewhere")));
        Assert.Throws<SagaAssertionException>(() => outcome.Then(ShippingSaga.InTransit));
        Assert.Throws<SagaAssertionException>(() => outcome.ThenPublished(new ParcelClosed("p-7")));
    }

    [Fact]
    public void Timeout_that_is_not_active_cannot_fire()
    {
        var outcome = SagaTest.For(ShippingSaga.Definition)
            .When(new ParcelBooked("p-8", "8 Main St"))
            .When(new ParcelPickedUp("p-8"));

        var failure = Assert.Throws<SagaAssertionException>(() => outcome.WhenTimeoutFires<PickupOverdue>());
        Assert.Contains("No PickupOverdue timeout is active", failure.Message);
    }

    [Fact]
    public void Message_for_another_instance_is_rejected()
    {
        var outcome = SagaTest.For(ShippingSaga.Definition).When(new ParcelBooked("p-9", "9 Main St"));

        Assert.Throws<SagaAssertionException>(() => outcome.When(new ParcelPickedUp("other")));
    }
}
