using Catga;
using Catga.Distributed;
using Catga.Sagas;
using Catga.Scheduling;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Testing.Tests.Sagas;

/// <summary>The same kind of saga a <see cref="SagaTest"/> checks without a bus, here inside tracked sessions across
/// three hosts, with its timeout on the durable scheduler and the harness's clock.</summary>
public sealed class SagaFlowTests : IAsyncLifetime
{
    private readonly CatgaTestHarness _harness = new();
    private readonly FlowLog _log = new();
    private CatgaTestHost _orders = null!;

    public async Task InitializeAsync()
    {
        // One test assembly holds every service's handlers, so the orders host routes the saga's commands to the
        // services that consume them instead of running the local copies (a real orders service has no such handlers).
        _orders = await StartAsync("orders", o => o.Consume<CheckoutStarted>().Consume<CardCharged>().Consume<CheckoutTimedOut>()
            .Route<ChargeCard>().Route<ReleaseHold>());
        await StartAsync("payments", o => o.Consume<ChargeCard>());
        await StartAsync("stock", o => o.Consume<ReleaseHold>().Consume<CheckoutCompleted>());
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<CatgaTestHost> StartAsync(string service, Action<DistributedMessagingOptions> consume)
        => _harness.StartServiceAsync(_log, service, consume);

    private async Task<SagaInstance<CheckoutState>> InstanceAsync(string key)
        => await _orders.Services.GetRequiredService<SagaInspector>().GetAsync(CheckoutSaga.Definition, key)
           ?? throw new Xunit.Sdk.XunitException($"no CheckoutSaga instance '{key}'");

    [Fact]
    public async Task A_saga_runs_across_services_to_completion_and_its_timeout_is_cancelled()
    {
        var (published, session) = await _harness.TrackAsync(() => _orders.Bus.PublishAsync(new CheckoutStarted("o-1", 40m)).AsTask());

        Assert.True(published.IsSuccess, published.Error?.Message);
        // The whole round trip settled before TrackAsync returned: the saga's command, the payment's event back to the
        // saga, and the saga's closing event.
        session.AssertHandled<ChargeCard>(c => c.OrderId == "o-1" && c.Amount == 40m, service: "payments");
        session.AssertHandled<CardCharged>(e => e.OrderId == "o-1", service: "orders");
        session.AssertHandled<CheckoutCompleted>(e => e.OrderId == "o-1", service: "stock");
        var instance = await InstanceAsync("o-1");
        Assert.Equal(SagaStatus.Completed, instance.Status);
        Assert.Equal(40m, instance.State.Total);
        Assert.Empty(instance.ActiveTimeouts);
        Assert.Equal(0, await _orders.Services.GetRequiredService<IScheduleStore>().CountPendingAsync(default));

        // Past the timeout's due time nothing fires: completion cancelled it.
        var later = await _harness.AdvanceTimeAsync(TimeSpan.FromHours(1));
        later.AssertNone<CheckoutTimedOut>(ObservationKind.Handled);
        Assert.DoesNotContain(_log.Handled, h => h.StartsWith("release", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_saga_timeout_fires_only_when_the_clock_reaches_it_and_compensates_in_another_service()
    {
        var (published, started) = await _harness.TrackAsync(() => _orders.Bus.PublishAsync(new CheckoutStarted("o-2", ChargeCardHandler.Limit + 1)).AsTask());

        Assert.True(published.IsSuccess, published.Error?.Message);
        started.AssertHandled<ChargeCard>(c => c.OrderId == "o-2", service: "payments");
        started.AssertNone<CardCharged>(ObservationKind.Handled);
        var waiting = await InstanceAsync("o-2");
        Assert.Equal(CheckoutSaga.AwaitingCharge, waiting.StateName);
        Assert.Single(waiting.ActiveTimeouts);

        var early = await _harness.AdvanceTimeAsync(TimeSpan.FromMinutes(14));
        early.AssertNone<CheckoutTimedOut>(ObservationKind.Handled);
        Assert.Equal(SagaStatus.Active, (await InstanceAsync("o-2")).Status);

        var due = await _harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        due.AssertHandled<CheckoutTimedOut>(t => t.OrderId == "o-2", service: "orders");
        due.AssertHandled<ReleaseHold>(r => r.OrderId == "o-2", service: "stock");
        var failed = await InstanceAsync("o-2");
        Assert.Equal(SagaStatus.Failed, failed.Status);
        Assert.Equal(SagaStates.Failed, failed.StateName);
        Assert.Empty(failed.ActiveTimeouts);
        Assert.Equal(["charge o-2", "release o-2"], _log.Handled.ToArray());
    }
}
