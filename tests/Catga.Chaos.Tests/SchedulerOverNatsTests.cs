using System.Collections.Concurrent;
using System.Diagnostics;
using Catga.Scheduling;
using Catga.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Catga.Chaos.Tests;

/// <summary>Sent later over JetStream by <see cref="SchedulerOverNatsTests"/>. [NaturallyIdempotent], not [Idempotent]:
/// no inbox, so only deduplication by message id before JetStream stands between two firings of one message and two
/// handler runs.</summary>
[CatgaCommand, Distributed, NaturallyIdempotent]
public sealed partial record DelayedNotice(string Text);

/// <summary>Published later over JetStream by <see cref="SchedulerOverNatsTests"/>.</summary>
[CatgaEvent, Distributed]
public sealed partial record DelayedAnnouncement(string Text);

/// <summary>Fires every second. Not [Distributed]: in the other chaos tests' services it runs the local handler, which
/// does nothing there; <see cref="SchedulerOverNatsTests"/> routes and consumes it over JetStream.</summary>
[CatgaEvent, Recurring(IntervalSeconds = 1)]
public sealed partial record RecurringPing;

/// <summary>What the handlers of the scheduled messages saw: message, message id, trace id, and when.</summary>
public sealed class ScheduledProbe
{
    public ConcurrentQueue<(string Kind, IMessage Message, string? TraceId, DateTimeOffset At)> Seen { get; } = new();

    public TaskCompletionSource Notice { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Announcement { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource TwoPings { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(string kind, IMessage message)
    {
        Seen.Enqueue((kind, message, Activity.Current?.TraceId.ToString(), DateTimeOffset.UtcNow));
        if (kind == "notice")
        {
            Notice.TrySetResult();
        }
        else if (kind == "announcement")
        {
            Announcement.TrySetResult();
        }
        else if (Seen.Count(s => s.Kind == "ping") >= 2)
        {
            TwoPings.TrySetResult();
        }
    }
}

public sealed class DelayedNoticeHandler(ScheduledProbe probe) : ICommandHandler<DelayedNotice>
{
    public ValueTask<CatgaResult> HandleAsync(DelayedNotice command, CancellationToken cancellationToken)
    {
        probe.Record("notice", command);
        return new(CatgaResult.Success());
    }
}

public sealed class DelayedAnnouncementHandler(ScheduledProbe probe) : IEventHandler<DelayedAnnouncement>
{
    public ValueTask HandleAsync(DelayedAnnouncement @event, CancellationToken cancellationToken)
    {
        probe.Record("announcement", @event);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Records pings where a <see cref="ScheduledProbe"/> is registered (the other chaos tests' services fire
/// <see cref="RecurringPing"/> locally too and have none).</summary>
public sealed class RecurringPingHandler(IServiceProvider services) : IEventHandler<RecurringPing>
{
    public ValueTask HandleAsync(RecurringPing @event, CancellationToken cancellationToken)
    {
        services.GetService<ScheduledProbe>()?.Record("ping", @event);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The scheduler over the NATS transport: a delayed send, a publish at an instant and a recurring message fire over a
/// real nats-server (JetStream) from the Redis schedule store, keep their message ids (so JetStream deduplicates a
/// message fired twice) and their trace context.
/// </summary>
public sealed class SchedulerOverNatsTests
{
    [Fact]
    public async Task Delayed_send_publish_and_recurring_messages_fire_over_JetStream_with_their_ids_and_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Catga" || source.Name == "scheduling-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("scheduling-test");
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        string prefix = "schednats" + Guid.NewGuid().ToString("N")[..8];
        var probe = new ScheduledProbe();

        await using var service = await ChaosService.StartAsync("billing", prefix, nats, redis, handlers: true,
            services: s => s.AddSingleton(probe).AddSingleton(new WorkDoneAudit()).AddSingleton(new FlakyRecorder()).AddSingleton(new TickAudit()),
            configure: o =>
            {
                o.ConsumeAllDistributed = false;
                o.Consume<DelayedNotice>();
                o.Consume<DelayedAnnouncement>();
                o.Route<RecurringPing>();
                o.Consume<RecurringPing>();
                o.Scheduler.PollInterval = TimeSpan.FromMilliseconds(100);
            });

        var notice = (DelayedNotice)((IMessage)new DelayedNotice("pay invoice 7")).WithEnvelope(MessageId.NewId(), MessageId.NewId(), null);
        var announcement = new DelayedAnnouncement("invoice 7 due");
        DateTimeOffset noticeDue;
        DateTimeOffset announcementDue = DateTimeOffset.UtcNow.AddSeconds(2);
        ActivityTraceId trace;
        using (var root = source.StartActivity("schedule")!)
        {
            trace = root.TraceId;
            noticeDue = DateTimeOffset.UtcNow.AddSeconds(1.5);

            // The same message under two schedule ids: it fires twice, with one message id, and JetStream stores it once.
            await service.Bus.ScheduleSendAsync(notice, noticeDue, new ScheduleOptions { Id = new ScheduleId("notice-a") });
            await service.Bus.ScheduleSendAsync(notice, noticeDue, new ScheduleOptions { Id = new ScheduleId("notice-b") });
            await service.Bus.SchedulePublishAsync(announcement, announcementDue);
        }

        await Task.WhenAll(probe.Notice.Task, probe.Announcement.Task, probe.TwoPings.Task).WaitAsync(TimeSpan.FromSeconds(30));
        var store = service.Provider.GetRequiredService<IScheduleStore>();
        await Eventually.TrueAsync(async () => (await store.ListPendingAsync(0, 10, CancellationToken.None)).All(e => e.Recurrence is not null), "both notice entries fired");

        var seenNotice = probe.Seen.Single(s => s.Kind == "notice");
        Assert.Equal(notice.MessageId, seenNotice.Message.MessageId);
        Assert.Equal(notice.CorrelationId, seenNotice.Message.CorrelationId);
        Assert.Equal(trace.ToString(), seenNotice.TraceId);
        Assert.True(seenNotice.At >= noticeDue, $"handled at {seenNotice.At:O}, due {noticeDue:O}");

        var seenAnnouncement = probe.Seen.Single(s => s.Kind == "announcement");
        Assert.Equal(announcement.MessageId, seenAnnouncement.Message.MessageId);
        Assert.Equal(trace.ToString(), seenAnnouncement.TraceId);
        Assert.True(seenAnnouncement.At >= announcementDue, $"handled at {seenAnnouncement.At:O}, due {announcementDue:O}");

        // Recurring: one message per occurrence, each with its own id, over the transport (the pending entry is the next
        // occurrence, in the Redis store).
        var pings = probe.Seen.Where(s => s.Kind == "ping").ToList();
        Assert.Equal(pings.Count, pings.Select(p => p.Message.MessageId).Distinct().Count());
        var next = Assert.Single(await store.ListPendingAsync(0, 10, CancellationToken.None));
        Assert.Equal(RecurringPing.MessageTypeName, next.MessageType);

        // The twice-fired notice is stored once, under Nats-Msg-Id = its message id (JetStream's deduplication key), and
        // the handler (no inbox) ran once.
        await using var connection = new NatsConnection(nats.Options());
        var stream = await new NatsJSContext(connection).GetStreamAsync(ChaosNames.Stream(prefix), new StreamInfoRequest { SubjectsFilter = ">" });
        var subjects = stream.Info.State.Subjects ?? new Dictionary<string, long>();
        Assert.Equal(1L, subjects[ChaosNames.Subjects(prefix) + DelayedNotice.MessageTypeName]);
        Assert.Equal(1L, subjects[ChaosNames.Subjects(prefix) + DelayedAnnouncement.MessageTypeName]);
        Assert.True(subjects[ChaosNames.Subjects(prefix) + RecurringPing.MessageTypeName] >= 2);
        Assert.Single(probe.Seen, s => s.Kind == "notice");
        var stored = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = ChaosNames.Subjects(prefix) + DelayedNotice.MessageTypeName });
        string headers = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(stored.Message.Hdrs!));
        Assert.Contains($"Nats-Msg-Id: {notice.MessageId}\r\n", headers);
    }
}
