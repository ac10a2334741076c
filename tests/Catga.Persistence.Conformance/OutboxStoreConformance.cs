using Catga.Locking;
using Catga.Outbox;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="IOutboxStore"/> must have. Derive once per implementation.</summary>
public abstract class OutboxStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Creates an empty outbox.</summary>
    /// <returns>The store; fresh for each test.</returns>
    protected abstract ValueTask<IOutboxStore> CreateAsync();

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.CompletedTask;

    [Fact(Timeout = Timeout)]
    public async Task An_empty_outbox_has_nothing_pending()
    {
        IOutboxStore outbox = await CreateAsync();
        Assert.Equal(0, await outbox.CountPendingAsync(None));
        Assert.Empty(await outbox.ReadPendingAsync(10, 1, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Pending_messages_are_read_oldest_first_with_every_field()
    {
        IOutboxStore outbox = await CreateAsync();
        OutboxMessage[] first = [Message("c", "dest.one"), Message("a", "dest.two")];
        OutboxMessage[] second = [Message("b", "dest.three")];
        await outbox.AddAsync(first, None);
        await outbox.AddAsync(second, None);

        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(10, 1, None);
        Assert.Equal(["c", "a", "b"], pending.Select(m => m.Id));
        AssertSame(first[0], pending[0]);
        AssertSame(first[1], pending[1]);
        AssertSame(second[0], pending[2]);
    }

    [Fact(Timeout = Timeout)]
    public async Task Reading_is_batched_and_does_not_remove()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync(Enumerable.Range(0, 25).Select(i => Message($"m-{i:D2}")).ToArray(), None);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m-{i:D2}"), (await outbox.ReadPendingAsync(10, 1, None)).Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m-{i:D2}"), (await outbox.ReadPendingAsync(10, 1, None)).Select(m => m.Id));
        Assert.Equal(25, (await outbox.ReadPendingAsync(100, 1, None)).Count);
        Assert.Equal(25, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Dispatched_messages_leave_and_the_next_batch_follows()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync(Enumerable.Range(0, 25).Select(i => Message($"m-{i:D2}")).ToArray(), None);
        var seen = new List<string>();
        while (true)
        {
            IReadOnlyList<OutboxMessage> batch = await outbox.ReadPendingAsync(10, 1, None);
            if (batch.Count == 0)
            {
                break;
            }

            Assert.True(batch.Count <= 10);
            seen.AddRange(batch.Select(m => m.Id));
            await outbox.MarkDispatchedAsync(batch.Select(m => m.Id).ToArray(), 1, None);
            Assert.Equal(25 - seen.Count, await outbox.CountPendingAsync(None));
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"m-{i:D2}"), seen);
    }

    [Fact(Timeout = Timeout)]
    public async Task Marking_dispatched_removes_only_the_named_messages_and_ignores_unknown_ids()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync([Message("a"), Message("b"), Message("c")], None);
        await outbox.MarkDispatchedAsync(["b", "unknown"], 1, None);
        Assert.Equal(2, await outbox.CountPendingAsync(None));
        Assert.Equal(["a", "c"], (await outbox.ReadPendingAsync(10, 1, None)).Select(m => m.Id));
        await outbox.MarkDispatchedAsync(["b"], 1, None);
        Assert.Equal(2, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_message_added_again_while_pending_is_kept_once()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync([Message("a"), Message("b")], None);
        await outbox.AddAsync([Message("a", "elsewhere")], None);
        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(10, 1, None);
        Assert.Equal(["a", "b"], pending.Select(m => m.Id));
        Assert.Equal("orders.placed", pending[0].Destination);
        Assert.Equal(2, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_lower_fencing_token_is_refused_after_a_higher_one_was_used()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync([Message("a"), Message("b")], None);
        Assert.Equal(2, (await outbox.ReadPendingAsync(10, 5, None)).Count);

        var read = await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.ReadPendingAsync(10, 4, None));
        Assert.Contains("4", read.Message);
        Assert.Contains("5", read.Message);

        // A newer leader takes over; the old one can neither read nor mark.
        Assert.Equal(2, (await outbox.ReadPendingAsync(10, 9, None)).Count);
        var mark = await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.MarkDispatchedAsync(["a"], 5, None));
        Assert.Contains("5", mark.Message);
        Assert.Contains("9", mark.Message);
        Assert.Equal(2, await outbox.CountPendingAsync(None));

        // The same token is accepted again, and a higher one always.
        await outbox.MarkDispatchedAsync(["a"], 9, None);
        await outbox.MarkDispatchedAsync(["b"], 12, None);
        Assert.Equal(0, await outbox.CountPendingAsync(None));
        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.ReadPendingAsync(1, 11, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_fence_is_raised_by_marking_as_well_as_by_reading()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync([Message("a")], None);
        await outbox.MarkDispatchedAsync([], 7, None);
        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.ReadPendingAsync(10, 6, None));
        Assert.Single(await outbox.ReadPendingAsync(10, 7, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Racing_leaders_leave_the_highest_token_as_the_fence()
    {
        IOutboxStore outbox = await CreateAsync();
        await outbox.AddAsync([Message("a")], None);
        long[] tokens = [.. Enumerable.Range(1, 50).Select(i => (long)i).OrderBy(_ => Random.Shared.Next())];
        int refused = 0;
        await Task.WhenAll(tokens.Select(token => Task.Run(async () =>
        {
            try
            {
                await outbox.ReadPendingAsync(1, token, None);
            }
            catch (StaleFencingTokenException)
            {
                Interlocked.Increment(ref refused);
            }
        })));

        Assert.InRange(refused, 0, 49);
        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.ReadPendingAsync(1, 49, None));
        Assert.Single(await outbox.ReadPendingAsync(1, 50, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Concurrent_adds_are_all_kept()
    {
        IOutboxStore outbox = await CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () => await outbox.AddAsync([Message($"m-{i}")], None))));
        Assert.Equal(40, await outbox.CountPendingAsync(None));
        Assert.Equal(40, (await outbox.ReadPendingAsync(100, 1, None)).Select(m => m.Id).Distinct().Count());
    }
}
