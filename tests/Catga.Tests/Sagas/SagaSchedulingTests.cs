using Catga.Sagas;
using Catga.Distributed;
using Catga.Scheduling;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Sagas;

/// <summary>Saga timeouts through Catga's durable scheduler (the bus's schedule and cancel), with distributed messaging
/// over the in-memory transport.</summary>
public sealed class SagaSchedulingTests
{
    private static ServiceProvider Build(Stores.FakeTimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new SagaProbe());
        services.AddSingleton(new Catga.Tests.Fixtures.Probe());
        services.AddScoped<Catga.Tests.Fixtures.ScopedDependency>();
        services.AddSingleton<TimeProvider>(time);
        services.AddCatga().AddGeneratedHandlers()
            .UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry)
            .UseInMemoryTransport()
            .AddDistributedMessaging(o =>
            {
                o.ServiceName = "orders";
                o.ConsumeAllDistributed = false;
                o.Consume<PaymentTimedOut>();
                o.Route<PaymentTimedOut>();
            });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Timeout_is_a_durable_schedule_with_the_saga_id_and_completion_cancels_it()
    {
        var time = new Stores.FakeTimeProvider();
        await using var provider = Build(time);
        var mediator = provider.GetRequiredService<ICatgaMediator>();
        var schedules = provider.GetRequiredService<IScheduleStore>();
        var inspector = provider.GetRequiredService<SagaInspector>();

        await mediator.PublishAsync(new OrderPlaced("s-1", 5m));
        var reserved = await mediator.PublishAsync(new StockReserved("s-1"));
        Assert.True(reserved.IsSuccess, reserved.ToString());

        var timeout = Assert.Single((await inspector.GetAsync(OrderSaga.Definition, "s-1"))!.ActiveTimeouts);
        var pending = Assert.Single(await schedules.ListPendingAsync(0, 10, default));
        Assert.Equal("OrderSaga/s-1/" + timeout.Id, pending.Id);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(15), pending.DueAt);

        // The same transition carried out again (a redelivery after a crash) replaces the schedule instead of adding one.
        await mediator.PublishAsync(new StockReserved("s-1"));
        Assert.Equal(1, await schedules.CountPendingAsync(default));

        var captured = await mediator.PublishAsync(new PaymentCaptured("s-1"));

        Assert.True(captured.IsSuccess, captured.ToString());
        Assert.Equal(0, await schedules.CountPendingAsync(default));
    }

    [Fact]
    public async Task Long_instance_keys_get_a_hashed_schedule_id_within_the_limit()
    {
        var time = new Stores.FakeTimeProvider();
        await using var provider = Build(time);
        var mediator = provider.GetRequiredService<ICatgaMediator>();
        string key = new('k', 300);

        await mediator.PublishAsync(new OrderPlaced(key, 5m));
        var reserved = await mediator.PublishAsync(new StockReserved(key));

        Assert.True(reserved.IsSuccess, reserved.ToString());
        var pending = Assert.Single(await provider.GetRequiredService<IScheduleStore>().ListPendingAsync(0, 10, default));
        Assert.StartsWith("saga:", pending.Id);
        Assert.True(pending.Id.Length <= ScheduleId.MaxLength);
    }
}
