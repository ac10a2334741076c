using Catga.Sagas;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="ISagaStore"/> must have. Derive once per implementation.</summary>
public abstract class SagaStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly MessageId Cause = new(Guid.Parse("0190c3d2-7b1e-7a3f-9c2d-4e5f60718293"));
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.FromHours(1));

    /// <summary>Creates an empty store.</summary>
    /// <returns>The store; fresh for each test.</returns>
    protected abstract ValueTask<ISagaStore> CreateAsync();

    /// <summary>A head with every part filled, so a round trip proves each is stored.</summary>
    protected static SagaRecord Record(string key, long revision, string state = "Waiting", SagaStatus status = SagaStatus.Active, string saga = "OrderSaga", DateTimeOffset? created = null)
        => new()
        {
            Saga = saga,
            Key = key,
            Revision = revision,
            Status = status,
            StateName = state,
            State = [1, 2, 3, (byte)revision, 0xFF],
            CreatedAt = created ?? At,
            UpdatedAt = At.AddMinutes(revision),
            Pending = [new SagaStoredMessage(SagaEffectKind.Send, Cause, "Charge", [9, 8, 7], At, Cause)],
            Timeouts = [new SagaStoredMessage(SagaEffectKind.Schedule, Cause, "TimedOut", [6], At.AddMinutes(15), Cause)],
            CompensationLog = [new SagaStoredMessage(SagaEffectKind.Compensation, Cause, "Refund", [], At, Cause)],
        };

    /// <summary>A transition's write: the head, the message it handled and its history entry.</summary>
    protected static SagaCommit Commit(SagaRecord record, long expected, MessageId handled = default, TimeSpan? retention = null, int idLimit = 256, int historyLimit = 64)
        => new()
        {
            Record = record,
            ExpectedRevision = expected,
            Handled = handled,
            History = handled.IsEmpty ? null : new SagaHistoryEntry(At, "Msg" + record.Revision, handled, "S" + expected, record.StateName, "note ü"),
            Retention = retention ?? LongTime,
            ProcessedIdLimit = idLimit,
            HistoryLimit = historyLimit,
        };

    private static ValueTask<bool> Write(ISagaStore store, SagaRecord record, long expected, TimeSpan? retention = null)
        => store.TryCommitAsync(Commit(record, expected, retention: retention), None);

    private static async Task<SagaRecord?> Head(ISagaStore store, string key, string saga = "OrderSaga")
        => (await store.LoadAsync(saga, key, default, None)).Record;

    private static MessageId Id(int i) => new(Guid.Parse($"0190c3d2-7b1e-7a3f-9c2d-{i:x12}"));

    [Fact(Timeout = Timeout)]
    public async Task A_missing_instance_loads_as_null_with_nothing_handled_and_no_history()
    {
        var store = await CreateAsync();
        var load = await store.LoadAsync("OrderSaga", "nobody", Cause, None);
        Assert.Null(load.Record);
        Assert.False(load.Handled);
        Assert.Empty(await store.ReadHistoryAsync("OrderSaga", "nobody", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_created_instance_round_trips_every_part_of_its_head()
    {
        var store = await CreateAsync();
        var record = Record("o-1", 1);

        Assert.True(await store.TryCommitAsync(Commit(record, 0, Id(1)), None));

        var loaded = await Head(store, "o-1");
        Assert.NotNull(loaded);
        Assert.Equal(record.ToBytes(), loaded.ToBytes());
        Assert.Equal("Waiting", loaded.StateName);
        Assert.Equal(new SagaHistoryEntry(At, "Msg1", Id(1), "S0", "Waiting", "note ü"), Assert.Single(await store.ReadHistoryAsync("OrderSaga", "o-1", None)));
    }

    [Fact(Timeout = Timeout)]
    public async Task The_handled_message_is_reported_with_the_head_and_others_are_not()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryCommitAsync(Commit(Record("o-1", 1), 0, Id(1)), None));
        Assert.True(await store.TryCommitAsync(Commit(Record("o-1", 2), 1, Id(2)), None));
        // A write that only removes carried-out effects adds no id and no history.
        Assert.True(await Write(store, Record("o-1", 3, "Cleared"), 2));

        var first = await store.LoadAsync("OrderSaga", "o-1", Id(1), None);
        Assert.True(first.Handled);
        Assert.Equal("Cleared", first.Record!.StateName);
        Assert.True((await store.LoadAsync("OrderSaga", "o-1", Id(2), None)).Handled);
        Assert.False((await store.LoadAsync("OrderSaga", "o-1", Id(3), None)).Handled);
        Assert.False((await store.LoadAsync("OrderSaga", "o-2", Id(1), None)).Handled);
        Assert.Equal(["Msg1", "Msg2"], (await store.ReadHistoryAsync("OrderSaga", "o-1", None)).Select(h => h.MessageType));
    }

    [Fact(Timeout = Timeout)]
    public async Task Handled_ids_and_history_keep_only_the_newest_up_to_their_limits()
    {
        var store = await CreateAsync();
        for (int i = 1; i <= 6; i++)
        {
            Assert.True(await store.TryCommitAsync(Commit(Record("o-1", i), i - 1, Id(i), idLimit: 4, historyLimit: 3), None));
        }

        for (int i = 1; i <= 6; i++)
        {
            Assert.Equal(i > 2, (await store.LoadAsync("OrderSaga", "o-1", Id(i), None)).Handled);
        }

        Assert.Equal(["Msg4", "Msg5", "Msg6"], (await store.ReadHistoryAsync("OrderSaga", "o-1", None)).Select(h => h.MessageType));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_history_limit_of_zero_keeps_no_history()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryCommitAsync(Commit(Record("o-1", 1), 0, Id(1), historyLimit: 0), None));
        Assert.Empty(await store.ReadHistoryAsync("OrderSaga", "o-1", None));
        Assert.True((await store.LoadAsync("OrderSaga", "o-1", Id(1), None)).Handled);
    }

    [Fact(Timeout = Timeout)]
    public async Task Creating_an_existing_instance_fails_and_writes_nothing()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryCommitAsync(Commit(Record("o-1", 1, "First"), 0, Id(1)), None));

        Assert.False(await store.TryCommitAsync(Commit(Record("o-1", 1, "Second"), 0, Id(2)), None));

        Assert.Equal("First", (await Head(store, "o-1"))!.StateName);
        Assert.False((await store.LoadAsync("OrderSaga", "o-1", Id(2), None)).Handled);
        Assert.Single(await store.ReadHistoryAsync("OrderSaga", "o-1", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_commit_from_a_stale_revision_fails_and_writes_nothing()
    {
        var store = await CreateAsync();
        await Write(store, Record("o-1", 1), 0);
        Assert.True(await Write(store, Record("o-1", 2, "Paid"), 1));

        Assert.False(await store.TryCommitAsync(Commit(Record("o-1", 2, "Lost"), 1, Id(7)), None));
        Assert.False(await Write(store, Record("o-1", 4, "Ahead"), 3));

        var loaded = await store.LoadAsync("OrderSaga", "o-1", Id(7), None);
        Assert.Equal(2, loaded.Record!.Revision);
        Assert.Equal("Paid", loaded.Record.StateName);
        Assert.False(loaded.Handled);
        Assert.Empty(await store.ReadHistoryAsync("OrderSaga", "o-1", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Of_racing_commits_from_one_revision_exactly_one_wins()
    {
        var store = await CreateAsync();
        await Write(store, Record("o-1", 1), 0);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.TryCommitAsync(Commit(Record("o-1", 2, "Winner" + i), 1, Id(100 + i)), None).AsTask()));

        Assert.Equal(1, results.Count(r => r));
        int winner = Array.IndexOf(results, true);
        Assert.Equal("Winner" + winner, (await Head(store, "o-1"))!.StateName);
        Assert.Equal(Id(100 + winner), Assert.Single(await store.ReadHistoryAsync("OrderSaga", "o-1", None)).MessageId);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(i == winner, (await store.LoadAsync("OrderSaga", "o-1", Id(100 + i), None)).Handled);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task A_revision_that_does_not_follow_the_expected_one_is_rejected()
    {
        var store = await CreateAsync();
        await Assert.ThrowsAsync<ArgumentException>(async () => await Write(store, Record("o-1", 3), 1));
    }

    [Fact(Timeout = Timeout)]
    public async Task Instances_are_separated_by_saga_and_key()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Commit(Record("o-1", 1, "A"), 0, Id(1)), None);
        await Write(store, Record("o-2", 1, "B"), 0);
        await Write(store, Record("o-1", 1, "C", saga: "ShippingSaga"), 0);

        Assert.Equal("A", (await Head(store, "o-1"))!.StateName);
        Assert.Equal("B", (await Head(store, "o-2"))!.StateName);
        Assert.Equal("C", (await Head(store, "o-1", "ShippingSaga"))!.StateName);
        Assert.False((await store.LoadAsync("ShippingSaga", "o-1", Id(1), None)).Handled);
        Assert.Empty(await store.ReadHistoryAsync("ShippingSaga", "o-1", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Keys_with_separators_and_braces_stay_distinct()
    {
        var store = await CreateAsync();
        await Write(store, Record("a:b}{c", 1, "A"), 0);
        await Write(store, Record("a", 1, "B", saga: "OrderSaga:b}{c"), 0);

        Assert.Equal("A", (await Head(store, "a:b}{c"))!.StateName);
        Assert.Equal("B", (await Head(store, "a", "OrderSaga:b}{c"))!.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_final_instance_is_removed_with_its_ids_and_history_after_its_retention_and_an_active_one_is_kept()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Commit(Record("done", 1), 0, Id(1)), None);
        await store.TryCommitAsync(Commit(Record("done", 2, SagaStates.Completed, SagaStatus.Completed), 1, Id(2), ShortTime), None);
        await store.TryCommitAsync(Commit(Record("active", 1), 0, Id(3), ShortTime), None);
        Assert.NotNull(await Head(store, "done"));

        await LetTimePassAsync(ShortTime);

        var done = await store.LoadAsync("OrderSaga", "done", Id(1), None);
        Assert.Null(done.Record);
        Assert.False(done.Handled);
        Assert.Empty(await store.ReadHistoryAsync("OrderSaga", "done", None));
        var active = await store.LoadAsync("OrderSaga", "active", Id(3), None);
        Assert.NotNull(active.Record);
        Assert.True(active.Handled);
        Assert.Single(await store.ReadHistoryAsync("OrderSaga", "active", None));
    }

    /// <summary>Reads every page of a listing, following the cursors.</summary>
    private static async Task<List<IReadOnlyList<SagaRecord>>> AllPagesAsync(ISagaStore store, SagaListQuery query)
    {
        var pages = new List<IReadOnlyList<SagaRecord>>();
        string? cursor = null;
        do
        {
            var page = await store.ListAsync(new SagaListQuery { Saga = query.Saga, Status = query.Status, StateName = query.StateName, Order = query.Order, Limit = query.Limit, Cursor = cursor }, None);
            pages.Add(page.Instances);
            cursor = page.NextCursor;
            Assert.True(pages.Count < 50, "the listing does not end");
        }
        while (cursor is not null);
        return pages;
    }

    private static string[][] Keys(List<IReadOnlyList<SagaRecord>> pages) => [.. pages.Select(p => p.Select(r => r.Key).ToArray())];

    [Fact(Timeout = Timeout)]
    public async Task Listing_pages_newest_first_through_one_sagas_instances_with_their_newest_heads()
    {
        var store = await CreateAsync();
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(await Write(store, Record("o-" + i, 1, created: At.AddMinutes(i)), 0));
        }

        Assert.True(await Write(store, Record("o-9", 1, saga: "ShippingSaga", created: At.AddMinutes(9)), 0));
        // A changed instance keeps its place (its creation time) and is listed with its newest head.
        var paid = Record("o-2", 2, "Paid", created: At.AddMinutes(2));
        Assert.True(await Write(store, paid, 1));

        var pages = await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Limit = 2 });

        Assert.Equal([["o-5", "o-4"], ["o-3", "o-2"], ["o-1"]], Keys(pages));
        Assert.Equal(paid.ToBytes(), pages[1][1].ToBytes());
        Assert.Equal(["o-9"], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "ShippingSaga" })).Single());
        Assert.Empty((await store.ListAsync(new SagaListQuery { Saga = "NoSuchSaga" }, None)).Instances);
    }

    [Fact(Timeout = Timeout)]
    public async Task Listing_by_key_orders_keys_by_their_utf8_bytes()
    {
        var store = await CreateAsync();
        foreach (string key in new[] { "b", "é", "a:b}{c", "Z", "a" })
        {
            await Write(store, Record(key, 1), 0);
        }

        var pages = await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey, Limit = 2 });

        Assert.Equal([["Z", "a"], ["a:b}{c", "b"], ["é"]], Keys(pages));
    }

    [Fact(Timeout = Timeout)]
    public async Task Listing_filters_by_status_and_state_and_pages_through_the_matches()
    {
        var store = await CreateAsync();
        await Write(store, Record("o-1", 1, "Waiting", created: At.AddMinutes(1)), 0);
        await Write(store, Record("o-2", 1, "Paid", created: At.AddMinutes(2)), 0);
        await Write(store, Record("o-3", 1, SagaStates.Completed, SagaStatus.Completed, created: At.AddMinutes(3)), 0);
        await Write(store, Record("o-4", 1, SagaStates.Failed, SagaStatus.Failed, created: At.AddMinutes(4)), 0);
        await Write(store, Record("o-5", 1, "Paid", created: At.AddMinutes(5)), 0);

        Assert.Equal([["o-5"], ["o-2"], ["o-1"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Status = SagaStatus.Active, Limit = 1 })));
        Assert.Equal([["o-5", "o-2"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", StateName = "Paid" })));
        Assert.Equal([["o-3"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Status = SagaStatus.Completed })));
        Assert.Equal([["o-2", "o-5"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", StateName = "Paid", Status = SagaStatus.Active, Order = SagaListOrder.ByKey })));
        Assert.Equal([[]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", StateName = "Paid", Status = SagaStatus.Failed })));
    }

    [Fact(Timeout = Timeout)]
    public async Task Listing_omits_instances_removed_after_their_retention_and_lists_a_key_created_again_once()
    {
        var store = await CreateAsync();
        await Write(store, Record("done", 1, created: At.AddMinutes(1)), 0);
        await Write(store, Record("done", 2, SagaStates.Completed, SagaStatus.Completed, created: At.AddMinutes(1)), 1, ShortTime);
        await Write(store, Record("active", 1, created: At.AddMinutes(2)), 0);
        Assert.Equal([["active", "done"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga" })));

        await LetTimePassAsync(ShortTime);

        Assert.Equal([["active"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga" })));
        Assert.Equal([["active"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey })));

        Assert.True(await Write(store, Record("done", 1, "Again", created: At.AddMinutes(3)), 0));
        var newest = await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga" });
        Assert.Equal([["done", "active"]], Keys(newest));
        Assert.Equal("Again", newest[0][0].StateName);
        Assert.Equal([["active", "done"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey })));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_creation_that_lost_to_another_leaves_the_instance_listed_once()
    {
        var store = await CreateAsync();
        Assert.True(await Write(store, Record("o-1", 1, "Winner", created: At.AddMinutes(1)), 0));
        Assert.False(await Write(store, Record("o-1", 1, "Loser", created: At.AddMinutes(2)), 0));

        var newest = await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga" });
        Assert.Equal("Winner", Assert.Single(Assert.Single(newest)).StateName);
        Assert.Equal([["o-1"]], Keys(await AllPagesAsync(store, new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey })));
    }

    [Fact(Timeout = Timeout)]
    public async Task An_invalid_listing_query_is_rejected_naming_what_is_wrong()
    {
        var store = await CreateAsync();
        for (int i = 1; i <= 3; i++)
        {
            await Write(store, Record("o-" + i, 1, created: At.AddMinutes(i)), 0);
        }

        string byKeyCursor = (await store.ListAsync(new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey, Limit = 1 }, None)).NextCursor!;
        Assert.NotNull(byKeyCursor);

        var wrongOrder = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ListAsync(new SagaListQuery { Saga = "OrderSaga", Cursor = byKeyCursor }, None));
        Assert.Contains("Cursor", wrongOrder.Message, StringComparison.Ordinal);
        var garbage = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ListAsync(new SagaListQuery { Saga = "OrderSaga", Cursor = "not a cursor!" }, None));
        Assert.Contains("Cursor", garbage.Message, StringComparison.Ordinal);
        var limit = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ListAsync(new SagaListQuery { Saga = "OrderSaga", Limit = 0 }, None));
        Assert.Contains("Limit", limit.Message, StringComparison.Ordinal);
        var saga = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ListAsync(new SagaListQuery { Saga = "" }, None));
        Assert.Contains("Saga", saga.Message, StringComparison.Ordinal);
    }
}
