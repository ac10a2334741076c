using Catga.Locking;
using Catga.Scheduling;
using Catga.Transport;
using Catga.Transport.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Scheduling;

/// <summary>Delayed, cancelled, replaced and recurring messages through the bus, the in-memory transport and stores,
/// on a fake clock: the tests advance time and await what the handlers saw; nothing sleeps.</summary>
public sealed class SchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task A_delayed_send_fires_at_its_due_time_not_before_and_keeps_its_ids_and_trace_context()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        var correlation = MessageId.NewId();
        var message = (RemindCustomer)((IMessage)new RemindCustomer("o-1")).WithEnvelope(MessageId.NewId(), correlation, null);
        using var activity = new System.Diagnostics.Activity("schedule").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        ScheduleId id = await host.Bus.ScheduleSendAsync(message, TimeSpan.FromMinutes(30));
        activity.Stop();
        ScheduledMessage stored = Assert.Single(await host.OneOffsAsync());
        Assert.Equal(id.Value, stored.Id);
        Assert.Equal(Start.AddMinutes(30), stored.DueAt);
        Assert.Equal(activity.Id, stored.Message.Headers[MessageHeaderNames.TraceParent]);

        await host.AdvanceAsync(TimeSpan.FromMinutes(30) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, host.Recorder.Count("remind"));

        await host.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        var fired = (RemindCustomer)await host.Recorder.WhenAsync("remind");
        Assert.Equal(message.MessageId, fired.MessageId);
        Assert.Equal(correlation, fired.CorrelationId);
        Assert.Equal("o-1", fired.OrderId);
        Assert.True(host.Recorder.Seen.Single(s => s.Kind == "remind").At >= Start.AddMinutes(30));
        Assert.Empty(await host.OneOffsAsync());
    }

    [Fact]
    public async Task A_publish_at_an_instant_reaches_the_event_handler_once()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        await host.Bus.SchedulePublishAsync(new InvoiceDue("inv-7"), Start.AddHours(2));
        await host.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal("inv-7", ((InvoiceDue)await host.Recorder.WhenAsync("invoice")).InvoiceId);
        await host.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(1, host.Recorder.Count("invoice"));
    }

    [Fact]
    public async Task A_cancelled_message_never_fires()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        ScheduleId cancelled = await host.Bus.ScheduleSendAsync(new RemindCustomer("cancelled"), TimeSpan.FromMinutes(5));
        await host.Bus.ScheduleSendAsync(new RemindCustomer("kept"), TimeSpan.FromMinutes(6));

        Assert.True(await host.Bus.CancelScheduledAsync(cancelled));
        Assert.False(await host.Bus.CancelScheduledAsync(cancelled));
        await host.AdvanceAsync(TimeSpan.FromMinutes(6));
        Assert.Equal("kept", ((RemindCustomer)await host.Recorder.WhenAsync("remind")).OrderId);
        Assert.Equal(1, host.Recorder.Count("remind"));
    }

    [Fact]
    public async Task Scheduling_again_with_a_callers_id_replaces_the_pending_message()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        var options = new ScheduleOptions { Id = new ScheduleId("remind:order-9") };
        Assert.Equal(options.Id, await host.Bus.ScheduleSendAsync(new RemindCustomer("first"), TimeSpan.FromMinutes(10), options));
        Assert.Equal(options.Id, await host.Bus.ScheduleSendAsync(new RemindCustomer("second"), TimeSpan.FromMinutes(20), options));
        Assert.Single(await host.OneOffsAsync());

        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(0, host.Recorder.Count("remind"));
        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        Assert.Equal("second", ((RemindCustomer)await host.Recorder.WhenAsync("remind")).OrderId);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_an_error_naming_it()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await host.Bus.ScheduleSendAsync(new InvoiceDue("x"), TimeSpan.FromSeconds(1)));
        Assert.Contains("SchedulePublishAsync", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await host.Bus.CancelScheduledAsync(default));
        Assert.Throws<ArgumentException>(() => new ScheduleId(new string('x', ScheduleId.MaxLength + 1)));
        Assert.Throws<ArgumentException>(() => new ScheduleId("a\nb"));
    }

    [Fact]
    public async Task A_schedule_made_in_a_handler_exists_only_if_the_handling_counted()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));

        // Fails (a failed result is dead-lettered): the handler scheduled the reminder into its outbox session, and the
        // handling did not count.
        Assert.True((await host.Bus.SendAsync(new PlaceOrderLater("failed", Fail: true))).IsSuccess);
        var letter = await host.DeadLetters.First;
        Assert.Equal(PlaceOrderLater.MessageTypeName, letter.Message.MessageType);
        Assert.True(host.Recorder.Count("placed") >= 1);
        Assert.Null(await host.Store.GetAsync("remind:failed", default));

        // Succeeds: the reminder reaches the store through the outbox relay, then fires.
        Task stored = host.Store.NextChange;
        Assert.True((await host.Bus.SendAsync(new PlaceOrderLater("kept", Fail: false))).IsSuccess);
        await stored.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(await host.Store.GetAsync("remind:kept", default));
        Assert.Null(await host.Store.GetAsync("remind:failed", default));

        // A handler that cancels does so through its outbox too.
        Task cancelled = host.Store.NextChange;
        Assert.True((await host.Bus.SendAsync(new PlaceOrderLater("kept", Fail: false, CancelReminder: true))).IsSuccess);
        await cancelled.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(await host.Store.GetAsync("remind:kept", default));
        await host.AdvanceAsync(TimeSpan.FromMinutes(31));
        Assert.Equal(0, host.Recorder.Count("remind"));
    }

    [Fact]
    public async Task Nodes_sharing_a_store_fire_each_message_once_and_a_survivor_takes_over()
    {
        var time = new FakeTimeProvider(Start);
        var broker = new InMemoryBroker(time);
        var store = new ObservedScheduleStore(new InMemoryScheduleStore());
        var @lock = new InMemoryDistributedLock(time);
        var recorder = new ScheduleRecorder { Time = time };
        var outbox = new Catga.Outbox.InMemoryOutboxStore();
        (Catga.Outbox.IOutboxStore, Catga.Inbox.IInboxStore) shared = (outbox, new Catga.Inbox.InMemoryInboxStore(outbox, time));
        await using var first = await SchedulingHost.StartAsync(time, broker, store, @lock, recorder, shared);
        await using var second = await SchedulingHost.StartAsync(time, broker, store, @lock, recorder, shared);
        SchedulingHost leader = first.Scheduler.IsLeader ? first : second;
        SchedulingHost follower = leader == first ? second : first;
        Assert.True(leader.Scheduler.IsLeader);
        Assert.False(follower.Scheduler.IsLeader);

        for (int i = 0; i < 20; i++)
        {
            await follower.Bus.ScheduleSendAsync(new RemindCustomer("a-" + i), TimeSpan.FromSeconds(10 + i));
        }

        await leader.AdvanceAsync(TimeSpan.FromSeconds(30));
        await recorder.WhenAsync("remind", 20);

        // The leader stops (its lease is released); the other node takes over and fires what is due next.
        for (int i = 0; i < 5; i++)
        {
            await follower.Bus.ScheduleSendAsync(new RemindCustomer("b-" + i), TimeSpan.FromMinutes(1));
        }

        await leader.StopAsync();
        await follower.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.True(follower.Scheduler.IsLeader);
        await follower.AdvanceAsync(TimeSpan.FromMinutes(1));
        await recorder.WhenAsync("remind", 25);
        Assert.Equal(25, recorder.Seen.Where(s => s.Kind == "remind").Select(s => s.Message.MessageId).Distinct().Count());
        Assert.Equal(25, recorder.Count("remind"));
    }

    [Fact]
    public async Task A_recurring_message_fires_every_occurrence_with_a_deterministic_id_and_fires_once_after_downtime()
    {
        await using var host = await SchedulingHost.StartAsync(new FakeTimeProvider(Start));
        ScheduledMessage next = (await host.Store.GetAsync("recurring:" + MinuteTickName, default))!;
        Assert.Equal(Start.AddSeconds(30), next.DueAt);

        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        var first = await host.Recorder.WhenAsync("tick");
        Assert.Equal(RecurringMessageIds.For(MinuteTickName, Start.AddSeconds(30)), first.MessageId);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await host.Recorder.WhenAsync("tick", 2);

        // Ten minutes pass in one step (as if every node was down): the missed occurrences fire once, then the
        // schedule continues from now.
        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        var caughtUp = await host.Recorder.WhenAsync("tick", 3);
        Assert.Equal(RecurringMessageIds.For(MinuteTickName, Start.AddSeconds(30).AddMinutes(2)), caughtUp.MessageId);
        Assert.Equal(3, host.Recorder.Count("tick"));
        Assert.Equal(Start.AddSeconds(30).AddMinutes(12), (await host.Store.GetAsync("recurring:" + MinuteTickName, default))!.DueAt);
    }

    [Fact]
    public async Task A_cron_message_fires_in_its_time_zone_skips_missed_occurrences_and_its_next_occurrence_survives_a_restart()
    {
        // 07:59 UTC is 08:59 in Berlin (CET): the 09:00 Berlin report is due in one minute.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 59, 0, TimeSpan.Zero));
        var store = new ObservedScheduleStore(new InMemoryScheduleStore());
        var recorder = new ScheduleRecorder { Time = time };
        await using (var host = await SchedulingHost.StartAsync(time, store: store, recorder: recorder))
        {
            await host.AdvanceAsync(TimeSpan.FromMinutes(1));
            await recorder.WhenAsync("morning");
            Assert.Equal(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero), (await store.GetAsync("recurring:" + MorningReportName, default))!.DueAt);
        }

        // Three days later a new process starts on the same store: the stored occurrence (Dec 4) is kept, found
        // missed, and skipped, with Dec 5 and 6 missed too; the next is Dec 7 09:00 Berlin.
        time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        await using (var restarted = await SchedulingHost.StartAsync(time, store: store, recorder: recorder))
        {
            await restarted.AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(1, recorder.Count("morning"));
            Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero), (await store.GetAsync("recurring:" + MorningReportName, default))!.DueAt);
            await restarted.AdvanceAsync(TimeSpan.FromHours(23));
            await recorder.WhenAsync("morning", 2);
        }
    }

    private static string MinuteTickName => Catga.Generated.CatgaMessageTypes.Registry.Types.Single(t => t.Type == typeof(MinuteTick)).Name;

    private static string MorningReportName => Catga.Generated.CatgaMessageTypes.Registry.Types.Single(t => t.Type == typeof(MorningReport)).Name;
}
