using Catga;
using Catga.Distributed;
using Catga.Generated;
using Catga.Scheduling;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;

namespace AotDemo;

/// <summary>Sent later through the bus: stored now, fired by the scheduler at its due time.</summary>
[CatgaCommand, Distributed, Idempotent]
public partial record SendPaymentReminder(string OrderId);

/// <summary>Fired every second by the scheduler (cron with seconds, read by Cronos), into this process's handler.</summary>
[CatgaEvent, Recurring("*/1 * * * * *")]
public partial record Heartbeat;

/// <summary>What the scheduling section saw; other sections do not register it, so their handlers do nothing.</summary>
public sealed class SchedulingDemoProbe
{
    public TaskCompletionSource<(SendPaymentReminder Reminder, DateTimeOffset At)> Reminder { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SecondHeartbeat { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<MessageId> Heartbeats { get; } = [];
}

public sealed class SendPaymentReminderHandler(SchedulingDemoProbe? probe = null) : ICommandHandler<SendPaymentReminder>
{
    public ValueTask<CatgaResult> HandleAsync(SendPaymentReminder command, CancellationToken cancellationToken)
    {
        probe?.Reminder.TrySetResult((command, DateTimeOffset.UtcNow));
        return new(CatgaResult.Success());
    }
}

public sealed class HeartbeatHandler(SchedulingDemoProbe? probe = null) : IEventHandler<Heartbeat>
{
    public ValueTask HandleAsync(Heartbeat @event, CancellationToken cancellationToken)
    {
        if (probe is not null)
        {
            lock (probe.Heartbeats)
            {
                probe.Heartbeats.Add(@event.MessageId);
                if (probe.Heartbeats.Count == 2)
                {
                    probe.SecondHeartbeat.TrySetResult();
                }
            }
        }

        return default;
    }
}

/// <summary>A delayed and a recurring message over the in-memory transport and stores.</summary>
public static class SchedulingDemo
{
    public static async Task<bool> RunAsync()
    {
        var probe = new SchedulingDemoProbe();
        var services = new ServiceCollection();
        services.AddSingleton(probe);
        services.AddLogging();
        services.AddSingleton<OrderStore>();
        services.AddCatga().AddGeneratedHandlers().UseBinarySerializer(CatgaMessageTypes.Registry)
            .UseInMemoryTransport().UseInMemoryPersistence()
            .AddDistributedMessaging(options =>
            {
                options.ServiceName = "billing";
                options.ConsumeAllDistributed = false;
                options.Consume<SendPaymentReminder>();
                options.Scheduler.PollInterval = TimeSpan.FromMilliseconds(100);
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            var bus = provider.GetRequiredService<ICatgaBus>();
            var reminder = new SendPaymentReminder("order-1");
            DateTimeOffset scheduledAt = DateTimeOffset.UtcNow;
            ScheduleId id = await bus.ScheduleSendAsync(reminder, TimeSpan.FromMilliseconds(300), new ScheduleOptions { Id = new ScheduleId("reminder:order-1") });
            ScheduleId cancelled = await bus.ScheduleSendAsync(new SendPaymentReminder("order-2"), TimeSpan.FromMilliseconds(300));
            bool wasCancelled = await bus.CancelScheduledAsync(cancelled);
            Console.WriteLine($"  scheduled {id} in 300 ms; a second reminder cancelled: {wasCancelled}");

            var (fired, at) = await probe.Reminder.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Console.WriteLine($"  reminder for {fired.OrderId} fired, not early: {at - scheduledAt >= TimeSpan.FromMilliseconds(300)}, same message id: {fired.MessageId == reminder.MessageId}");

            await probe.SecondHeartbeat.Task.WaitAsync(TimeSpan.FromSeconds(10));
            bool distinct;
            lock (probe.Heartbeats)
            {
                distinct = probe.Heartbeats[0] != probe.Heartbeats[1];
            }

            Console.WriteLine($"  recurring Heartbeat (cron \"*/1 * * * * *\") fired twice, one message id per occurrence: {distinct}");
            return wasCancelled && fired.MessageId == reminder.MessageId && distinct;
        }
        finally
        {
            for (int i = hosted.Count - 1; i >= 0; i--)
            {
                await hosted[i].StopAsync(CancellationToken.None);
            }
        }
    }
}
