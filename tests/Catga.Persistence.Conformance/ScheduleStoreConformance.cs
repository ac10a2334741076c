using Catga.Locking;
using Catga.Scheduling;
using Catga.Transport;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="IScheduleStore"/> must have. Derive once per implementation. Time is the
/// argument of <see cref="IScheduleStore.ClaimDueAsync"/>, so no test waits.</summary>
public abstract class ScheduleStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>An instant with milliseconds, as stores keep them.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, 123, TimeSpan.Zero);

    /// <summary>Creates an empty store.</summary>
    /// <returns>The store; fresh for each test.</returns>
    protected abstract ValueTask<IScheduleStore> CreateAsync();

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.CompletedTask;

    /// <summary>An entry with a body that is not valid UTF-8 and three headers.</summary>
    protected static ScheduledMessage Entry(string id, DateTimeOffset due, string? messageId = null, string destination = "orders.remind", string? recurrence = null)
    {
        messageId ??= "msg-" + id;
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, messageId)
            .Set(MessageHeaderNames.MessageType, "Shop.Remind")
            .Set(MessageHeaderNames.TraceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        byte[] body = [0xFF, 0x00, 0xC3, 0x28, .. System.Text.Encoding.UTF8.GetBytes(messageId), 0x80];
        return new ScheduledMessage(id, due, destination, new TransportMessage(headers, body), recurrence);
    }

    private static void AssertSameEntry(ScheduledMessage expected, ScheduledMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.DueAt, actual.DueAt);
        Assert.Equal(expected.Destination, actual.Destination);
        Assert.Equal(expected.Recurrence, actual.Recurrence);
        AssertSame(expected.Message, actual.Message);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_empty_store_has_nothing_pending_and_nothing_due()
    {
        IScheduleStore store = await CreateAsync();
        Assert.Equal(0, await store.CountPendingAsync(None));
        Assert.Empty(await store.ListPendingAsync(0, 10, None));
        Assert.Empty(await store.ClaimDueAsync(T0.AddYears(10), 10, 1, None));
        Assert.Null(await store.GetAsync("nothing", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Entries_round_trip_with_every_field_and_list_soonest_first()
    {
        IScheduleStore store = await CreateAsync();
        ScheduledMessage late = Entry("late", T0.AddMinutes(5), recurrence: "every 300000ms FireOnce");
        ScheduledMessage soon = Entry("soon", T0.AddSeconds(1), destination: "billing.due");
        ScheduledMessage middle = Entry("middle", T0.AddMinutes(1));
        await store.ScheduleAsync([late, soon], None);
        await store.ScheduleAsync([middle], None);

        Assert.Equal(3, await store.CountPendingAsync(None));
        IReadOnlyList<ScheduledMessage> listed = await store.ListPendingAsync(0, 10, None);
        Assert.Equal(["soon", "middle", "late"], listed.Select(e => e.Id));
        AssertSameEntry(soon, listed[0]);
        AssertSameEntry(late, listed[2]);
        Assert.Equal(["middle", "late"], (await store.ListPendingAsync(1, 5, None)).Select(e => e.Id));
        Assert.Equal(["soon"], (await store.ListPendingAsync(0, 1, None)).Select(e => e.Id));
        AssertSameEntry(middle, (await store.GetAsync("middle", None))!);
    }

    [Fact(Timeout = Timeout)]
    public async Task Nothing_is_claimed_before_it_is_due()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0.AddSeconds(10))], None);
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(10).AddMilliseconds(-1), 10, 1, None));
        IReadOnlyList<ScheduledMessage> claimed = await store.ClaimDueAsync(T0.AddSeconds(10), 10, 1, None);
        Assert.Equal("a", Assert.Single(claimed).Id);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_entry_due_within_a_millisecond_is_not_claimed_before_its_exact_instant()
    {
        IScheduleStore store = await CreateAsync();
        DateTimeOffset due = T0.AddSeconds(10).AddTicks(5_000);
        await store.ScheduleAsync([Entry("sub-ms", due)], None);

        // 0.4 ms early, in the same millisecond: not yet.
        Assert.Empty(await store.ClaimDueAsync(due.AddTicks(-4_000), 10, 1, None));
        Assert.Equal(["sub-ms"], (await store.ClaimDueAsync(due.AddTicks(5_000), 10, 1, None)).Select(e => e.Id));
    }

    [Fact(Timeout = Timeout)]
    public async Task Due_entries_are_claimed_soonest_first_in_batches_and_each_once()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync(Enumerable.Range(0, 25).Select(i => Entry($"e-{i:D2}", T0.AddMilliseconds(25 - i))).ToArray(), None);
        var seen = new List<string>();
        while (true)
        {
            IReadOnlyList<ScheduledMessage> batch = await store.ClaimDueAsync(T0.AddSeconds(1), 10, 1, None);
            if (batch.Count == 0)
            {
                break;
            }

            Assert.True(batch.Count <= 10);
            seen.AddRange(batch.Select(e => e.Id));
        }

        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"e-{i:D2}"), seen);
        Assert.Equal(0, await store.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_claimed_entry_is_no_longer_pending_but_can_be_read_until_completed()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0)], None);
        Assert.Single(await store.ClaimDueAsync(T0, 10, 1, None));
        Assert.Equal(0, await store.CountPendingAsync(None));
        Assert.NotNull(await store.GetAsync("a", None));
        Assert.False(await store.CancelAsync("a", None));

        await store.CompleteAsync(["a"], [], 1, None);
        Assert.Null(await store.GetAsync("a", None));
        Assert.Empty(await store.ClaimDueAsync(T0.AddDays(1), 10, 2, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Scheduling_an_existing_id_replaces_it()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("remind:42", T0.AddMinutes(1), messageId: "first")], None);
        await store.ScheduleAsync([Entry("remind:42", T0.AddMinutes(2), messageId: "second")], None);

        Assert.Equal(1, await store.CountPendingAsync(None));
        Assert.Empty(await store.ClaimDueAsync(T0.AddMinutes(1), 10, 1, None));
        ScheduledMessage claimed = Assert.Single(await store.ClaimDueAsync(T0.AddMinutes(2), 10, 1, None));
        Assert.Equal("second", claimed.Message.MessageId);
    }

    [Fact(Timeout = Timeout)]
    public async Task Cancelled_entries_never_fire_and_cancel_answers_whether_one_was_pending()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0), Entry("b", T0)], None);
        Assert.True(await store.CancelAsync("a", None));
        Assert.False(await store.CancelAsync("a", None));
        Assert.False(await store.CancelAsync("never", None));
        Assert.Equal(["b"], (await store.ClaimDueAsync(T0, 10, 1, None)).Select(e => e.Id));
    }

    [Fact(Timeout = Timeout)]
    public async Task Claims_of_a_scheduler_that_lost_its_lease_are_claimed_again_by_the_next()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0), Entry("b", T0.AddSeconds(1))], None);
        Assert.Equal(2, (await store.ClaimDueAsync(T0.AddSeconds(1), 10, 5, None)).Count);

        // The same leader does not see its own claims again...
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(2), 10, 5, None));

        // ...but the next leader (higher token) takes over what was never completed, with the same message ids.
        IReadOnlyList<ScheduledMessage> again = await store.ClaimDueAsync(T0.AddSeconds(2), 10, 6, None);
        Assert.Equal(["msg-a", "msg-b"], again.Select(e => e.Message.MessageId).Order());
        await store.CompleteAsync(["a", "b"], [], 6, None);
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(3), 10, 7, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_paused_former_leader_can_neither_claim_nor_complete()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0), Entry("b", T0)], None);
        string first = Assert.Single(await store.ClaimDueAsync(T0, 1, 3, None)).Id;

        // A newer leader takes over the claim first.
        Assert.Equal(first, Assert.Single(await store.ClaimDueAsync(T0, 1, 4, None)).Id);

        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await store.ClaimDueAsync(T0, 10, 3, None));
        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await store.CompleteAsync([first], [Entry(first, T0.AddHours(1))], 3, None));

        // Nothing the stale leader tried took effect: the other entry is still pending, the first is still claimed
        // (not completed, no next occurrence added), and the next leader gets both.
        Assert.Equal(1, await store.CountPendingAsync(None));
        Assert.NotNull(await store.GetAsync(first, None));
        Assert.Equal(2, (await store.ClaimDueAsync(T0, 10, 5, None)).Count);
    }

    [Fact(Timeout = Timeout)]
    public async Task Completing_adds_the_next_occurrence_atomically()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("recurring:Tick", T0, messageId: "tick-0", recurrence: "every 60000ms FireOnce")], None);
        ScheduledMessage fired = Assert.Single(await store.ClaimDueAsync(T0, 10, 1, None));
        ScheduledMessage next = Entry("recurring:Tick", T0.AddMinutes(1), messageId: "tick-1", recurrence: "every 60000ms FireOnce");
        await store.CompleteAsync([fired.Id], [next], 1, None);

        AssertSameEntry(next, (await store.GetAsync("recurring:Tick", None))!);
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(59), 10, 1, None));
        Assert.Equal("tick-1", Assert.Single(await store.ClaimDueAsync(T0.AddMinutes(1), 10, 1, None)).Message.MessageId);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_replacement_made_while_the_entry_fires_survives_its_completion_and_fires_after_it()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync([Entry("a", T0, messageId: "old")], None);
        Assert.Single(await store.ClaimDueAsync(T0, 10, 1, None));
        await store.ScheduleAsync([Entry("a", T0, messageId: "new")], None);

        // Not fired twice at once: the replacement waits for the firing in progress.
        Assert.Empty(await store.ClaimDueAsync(T0, 10, 1, None));
        await store.CompleteAsync(["a"], [Entry("a", T0.AddHours(1), messageId: "next")], 1, None);
        Assert.Equal("new", Assert.Single(await store.ClaimDueAsync(T0, 10, 1, None)).Message.MessageId);
    }

    [Fact(Timeout = Timeout)]
    public async Task Concurrent_claimers_with_one_token_never_claim_an_entry_twice()
    {
        IScheduleStore store = await CreateAsync();
        await store.ScheduleAsync(Enumerable.Range(0, 200).Select(i => Entry($"e-{i:D3}", T0)).ToArray(), None);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var batch = await store.ClaimDueAsync(T0, 7, 1, None);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(e => e.Id));
            }
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }
}
