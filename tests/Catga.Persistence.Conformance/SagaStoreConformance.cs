using Catga.Sagas;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="ISagaStore"/> must have. Derive once per implementation.</summary>
public abstract class SagaStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Creates an empty store.</summary>
    /// <returns>The store; fresh for each test.</returns>
    protected abstract ValueTask<ISagaStore> CreateAsync();

    /// <summary>A record with every part filled, so a round trip proves each is stored.</summary>
    protected static SagaRecord Record(string key, long revision, string state = "Waiting", SagaStatus status = SagaStatus.Active, string saga = "OrderSaga")
    {
        var cause = new MessageId(Guid.Parse("0190c3d2-7b1e-7a3f-9c2d-4e5f60718293"));
        var at = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.FromHours(1));
        return new SagaRecord
        {
            Saga = saga,
            Key = key,
            Revision = revision,
            Status = status,
            StateName = state,
            State = [1, 2, 3, (byte)revision, 0xFF],
            CreatedAt = at,
            UpdatedAt = at.AddMinutes(revision),
            Processed = [cause, new MessageId(Guid.Parse("0190c3d2-7b1e-7a3f-9c2d-4e5f60718294"))],
            Pending = [new SagaStoredMessage(SagaEffectKind.Send, cause, "Charge", [9, 8, 7], at, cause)],
            Timeouts = [new SagaStoredMessage(SagaEffectKind.Schedule, cause, "TimedOut", [6], at.AddMinutes(15), cause)],
            CompensationLog = [new SagaStoredMessage(SagaEffectKind.Compensation, cause, "Refund", [], at, cause)],
            History = [new SagaHistoryEntry(at, "Placed", cause, "Initial", state, "note ü")],
        };
    }

    [Fact(Timeout = Timeout)]
    public async Task A_missing_instance_loads_as_null()
    {
        var store = await CreateAsync();
        Assert.Null(await store.LoadAsync("OrderSaga", "nobody", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_created_instance_round_trips_every_part()
    {
        var store = await CreateAsync();
        var record = Record("o-1", 1);

        Assert.True(await store.TryCommitAsync(record, 0, LongTime, None));

        var loaded = await store.LoadAsync("OrderSaga", "o-1", None);
        Assert.NotNull(loaded);
        Assert.Equal(record.ToBytes(), loaded.ToBytes());
        Assert.Equal("Waiting", loaded.StateName);
        Assert.Equal("note ü", Assert.Single(loaded.History).Note);
    }

    [Fact(Timeout = Timeout)]
    public async Task Creating_an_existing_instance_fails_and_writes_nothing()
    {
        var store = await CreateAsync();
        Assert.True(await store.TryCommitAsync(Record("o-1", 1, "First"), 0, LongTime, None));

        Assert.False(await store.TryCommitAsync(Record("o-1", 1, "Second"), 0, LongTime, None));

        Assert.Equal("First", (await store.LoadAsync("OrderSaga", "o-1", None))!.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_commit_from_a_stale_revision_fails_and_writes_nothing()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Record("o-1", 1), 0, LongTime, None);
        Assert.True(await store.TryCommitAsync(Record("o-1", 2, "Paid"), 1, LongTime, None));

        Assert.False(await store.TryCommitAsync(Record("o-1", 2, "Lost"), 1, LongTime, None));
        Assert.False(await store.TryCommitAsync(Record("o-1", 4, "Ahead"), 3, LongTime, None));

        var loaded = await store.LoadAsync("OrderSaga", "o-1", None);
        Assert.Equal(2, loaded!.Revision);
        Assert.Equal("Paid", loaded.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task Of_racing_commits_from_one_revision_exactly_one_wins()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Record("o-1", 1), 0, LongTime, None);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.TryCommitAsync(Record("o-1", 2, "Winner" + i), 1, LongTime, None).AsTask()));

        Assert.Equal(1, results.Count(r => r));
        var loaded = await store.LoadAsync("OrderSaga", "o-1", None);
        Assert.Equal("Winner" + Array.IndexOf(results, true), loaded!.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_revision_that_does_not_follow_the_expected_one_is_rejected()
    {
        var store = await CreateAsync();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.TryCommitAsync(Record("o-1", 3), 1, LongTime, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Instances_are_separated_by_saga_and_key()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Record("o-1", 1, "A"), 0, LongTime, None);
        await store.TryCommitAsync(Record("o-2", 1, "B"), 0, LongTime, None);
        await store.TryCommitAsync(Record("o-1", 1, "C", saga: "ShippingSaga"), 0, LongTime, None);

        Assert.Equal("A", (await store.LoadAsync("OrderSaga", "o-1", None))!.StateName);
        Assert.Equal("B", (await store.LoadAsync("OrderSaga", "o-2", None))!.StateName);
        Assert.Equal("C", (await store.LoadAsync("ShippingSaga", "o-1", None))!.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task Keys_with_separators_and_braces_stay_distinct()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Record("a:b}{c", 1, "A"), 0, LongTime, None);
        await store.TryCommitAsync(Record("a", 1, "B", saga: "OrderSaga:b}{c"), 0, LongTime, None);

        Assert.Equal("A", (await store.LoadAsync("OrderSaga", "a:b}{c", None))!.StateName);
        Assert.Equal("B", (await store.LoadAsync("OrderSaga:b}{c", "a", None))!.StateName);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_final_instance_is_removed_after_its_retention_and_an_active_one_is_kept()
    {
        var store = await CreateAsync();
        await store.TryCommitAsync(Record("done", 1), 0, LongTime, None);
        await store.TryCommitAsync(Record("done", 2, SagaStates.Completed, SagaStatus.Completed), 1, ShortTime, None);
        await store.TryCommitAsync(Record("active", 1), 0, ShortTime, None);
        Assert.NotNull(await store.LoadAsync("OrderSaga", "done", None));

        await LetTimePassAsync(ShortTime);

        Assert.Null(await store.LoadAsync("OrderSaga", "done", None));
        Assert.NotNull(await store.LoadAsync("OrderSaga", "active", None));
    }
}
