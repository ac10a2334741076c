using Catga.Inbox;
using Catga.Outbox;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="IInboxStore"/> must have. Derive once per implementation.</summary>
public abstract class InboxStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Creates an empty inbox and the outbox its completions append to.</summary>
    /// <returns>The stores; fresh for each test.</returns>
    protected abstract ValueTask<(IInboxStore Inbox, IOutboxStore Outbox)> CreateAsync();

    [Fact(Timeout = Timeout)]
    public async Task A_new_message_is_claimed_with_a_positive_token()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, claim.Status);
        Assert.True(claim.Token > 0, $"token {claim.Token}");
    }

    [Fact(Timeout = Timeout)]
    public async Task A_claimed_message_is_busy_for_everyone_else()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim first = await inbox.TryClaimAsync("m-1", LongTime, None);
        InboxClaim second = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, first.Status);
        Assert.Equal(InboxClaimStatus.Busy, second.Status);

        // Another id is independent.
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("m-2", LongTime, None)).Status);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_duplicate_of_a_completed_message_gets_the_stored_result()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        byte[] result = [0x00, 0xFF, 0xFE, 0x41, 0x80];
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, result, [], LongTime, None));

        InboxClaim duplicate = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Completed, duplicate.Status);
        Assert.Equal(result, duplicate.Result.ToArray());

        // Completing twice is refused: the claim is gone.
        Assert.False(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 1 }, [], LongTime, None));
        Assert.Equal(result, (await inbox.TryClaimAsync("m-1", LongTime, None)).Result.ToArray());
    }

    [Fact(Timeout = Timeout)]
    public async Task An_empty_result_round_trips()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, ReadOnlyMemory<byte>.Empty, [], LongTime, None));
        InboxClaim duplicate = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Completed, duplicate.Status);
        Assert.True(duplicate.Result.IsEmpty);
    }

    [Fact(Timeout = Timeout)]
    public async Task Of_many_concurrent_claims_exactly_one_wins()
    {
        var (inbox, _) = await CreateAsync();
        using var start = new ManualResetEventSlim();
        Task<InboxClaim>[] attempts = Enumerable.Range(0, 64)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await inbox.TryClaimAsync("contended", LongTime, None);
            }))
            .ToArray();
        start.Set();
        InboxClaim[] claims = await Task.WhenAll(attempts);
        Assert.Single(claims, c => c.Status == InboxClaimStatus.Claimed);
        Assert.Equal(63, claims.Count(c => c.Status == InboxClaimStatus.Busy));
    }

    [Fact(Timeout = Timeout)]
    public async Task An_expired_claim_is_taken_again_with_a_larger_token_and_the_stale_holder_writes_nothing()
    {
        var (inbox, outbox) = await CreateAsync();
        InboxClaim stale = await inbox.TryClaimAsync("m-1", ShortTime, None);
        await LetTimePassAsync(ShortTime);

        InboxClaim fresh = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, fresh.Status);
        Assert.True(fresh.Token > stale.Token, $"fresh {fresh.Token} <= stale {stale.Token}");

        Assert.False(await inbox.CompleteAsync("m-1", stale.Token, new byte[] { 1 }, [Message("stale-out")], LongTime, None));
        Assert.Equal(0, await outbox.CountPendingAsync(None));
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);

        // The stale holder cannot release the new claim either.
        await inbox.ReleaseAsync("m-1", stale.Token, None);
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);

        Assert.True(await inbox.CompleteAsync("m-1", fresh.Token, new byte[] { 2 }, [Message("fresh-out")], LongTime, None));
        Assert.Equal([2], (await inbox.TryClaimAsync("m-1", LongTime, None)).Result.ToArray());
        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(10, 1, None);
        Assert.Equal(["fresh-out"], pending.Select(m => m.Id));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_claim_that_expired_unnoticed_cannot_be_completed()
    {
        var (inbox, outbox) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", ShortTime, None);
        await LetTimePassAsync(ShortTime);
        Assert.False(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 1 }, [Message("late")], LongTime, None));
        Assert.Equal(0, await outbox.CountPendingAsync(None));
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_wrong_token_completes_nothing()
    {
        var (inbox, outbox) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.False(await inbox.CompleteAsync("m-1", claim.Token + 1000, new byte[] { 1 }, [Message("x")], LongTime, None));
        Assert.False(await inbox.CompleteAsync("never-claimed", claim.Token, new byte[] { 1 }, [Message("y")], LongTime, None));
        Assert.Equal(0, await outbox.CountPendingAsync(None));
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("never-claimed", LongTime, None)).Status);
    }

    [Fact(Timeout = Timeout)]
    public async Task Release_lets_a_redelivery_claim_again()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim first = await inbox.TryClaimAsync("m-1", LongTime, None);
        await inbox.ReleaseAsync("m-1", first.Token + 1000, None);
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);

        await inbox.ReleaseAsync("m-1", first.Token, None);
        InboxClaim second = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, second.Status);
        Assert.True(second.Token > first.Token);
        Assert.False(await inbox.CompleteAsync("m-1", first.Token, new byte[] { 1 }, [], LongTime, None));
        Assert.True(await inbox.CompleteAsync("m-1", second.Token, new byte[] { 2 }, [], LongTime, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Releasing_a_completed_message_keeps_its_result()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 7 }, [], LongTime, None));
        await inbox.ReleaseAsync("m-1", claim.Token, None);
        InboxClaim duplicate = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Completed, duplicate.Status);
        Assert.Equal([7], duplicate.Result.ToArray());
    }

    [Fact(Timeout = Timeout)]
    public async Task Completing_appends_the_outbox_entries_in_order_and_only_then()
    {
        var (inbox, outbox) = await CreateAsync();
        await outbox.AddAsync([Message("before")], None);
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        OutboxMessage[] sent = [Message("out-1", "billing"), Message("out-2", "shipping"), Message("out-3")];

        // Claimed but not completed: nothing of the handler's output is visible.
        Assert.Equal(1, await outbox.CountPendingAsync(None));
        Assert.Equal(["before"], (await outbox.ReadPendingAsync(10, 1, None)).Select(m => m.Id));

        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 1 }, sent, LongTime, None));
        Assert.Equal(4, await outbox.CountPendingAsync(None));
        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(10, 1, None);
        Assert.Equal(["before", "out-1", "out-2", "out-3"], pending.Select(m => m.Id));
        for (int i = 0; i < sent.Length; i++)
        {
            AssertSame(sent[i], pending[i + 1]);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Concurrent_completions_of_different_messages_lose_no_outbox_entry()
    {
        var (inbox, outbox) = await CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            InboxClaim claim = await inbox.TryClaimAsync($"m-{i}", LongTime, None);
            Assert.True(await inbox.CompleteAsync($"m-{i}", claim.Token, new byte[] { (byte)i }, [Message($"a-{i}"), Message($"b-{i}")], LongTime, None));
        })));
        Assert.Equal(64, await outbox.CountPendingAsync(None));
        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(100, 1, None);
        Assert.Equal(64, pending.Select(m => m.Id).Distinct().Count());

        // Each completion's entries stay together and in order.
        for (int i = 0; i < 32; i++)
        {
            int a = pending.ToList().FindIndex(m => m.Id == $"a-{i}");
            Assert.Equal($"b-{i}", pending[a + 1].Id);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task An_observer_never_sees_a_completion_without_its_outbox_entries_or_entries_without_the_completion()
    {
        var (inbox, outbox) = await CreateAsync();
        const int count = 40;
        var tokens = new long[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = (await inbox.TryClaimAsync($"m-{i}", LongTime, None)).Token;
        }

        Task completer = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                Assert.True(await inbox.CompleteAsync($"m-{i}", tokens[i], new byte[] { (byte)i }, [Message($"a-{i}"), Message($"b-{i}")], LongTime, None));
            }
        });

        // Both directions, each read after the other: the states only move forward, so any order proves atomicity.
        int observations = 0;
        while (!completer.IsCompleted || observations == 0)
        {
            int i = observations++ % count;
            InboxClaim state = await inbox.TryClaimAsync($"m-{i}", LongTime, None);
            HashSet<string> pending = [.. (await outbox.ReadPendingAsync(1000, 1, None)).Select(m => m.Id)];
            if (state.Status == InboxClaimStatus.Completed)
            {
                Assert.Contains($"a-{i}", pending);
                Assert.Contains($"b-{i}", pending);
            }

            IReadOnlyList<OutboxMessage> seen = await outbox.ReadPendingAsync(1000, 1, None);
            foreach (OutboxMessage entry in seen)
            {
                string message = "m-" + entry.Id[2..];
                Assert.Equal(InboxClaimStatus.Completed, (await inbox.TryClaimAsync(message, LongTime, None)).Status);
            }
        }

        await completer;
        Assert.Equal(2 * count, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task After_the_retention_a_duplicate_is_handled_again()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 1 }, [], ShortTime, None));
        InboxClaim within = await inbox.TryClaimAsync("m-1", LongTime, None);

        // On a real clock a loaded machine may let the short retention pass already; only a prompt answer is checked.
        if (elapsed.Elapsed < ShortTime / 2)
        {
            Assert.Equal(InboxClaimStatus.Completed, within.Status);
        }

        await LetTimePassAsync(ShortTime);
        Assert.True(await inbox.CleanupAsync(None) >= 0);
        InboxClaim again = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, again.Status);
        Assert.True(again.Token > claim.Token);
    }

    [Fact(Timeout = Timeout)]
    public async Task Cleanup_keeps_records_within_their_retention()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", LongTime, None);
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 9 }, [], LongTime, None));
        await inbox.CleanupAsync(None);
        Assert.Equal([9], (await inbox.TryClaimAsync("m-1", LongTime, None)).Result.ToArray());
    }

    [Fact(Timeout = Timeout)]
    public async Task An_extended_claim_outlives_its_first_lease_and_can_be_completed()
    {
        var (inbox, outbox) = await CreateAsync();
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        InboxClaim claim = await inbox.TryClaimAsync("m-1", ShortTime, None);
        if (!await inbox.ExtendClaimAsync("m-1", claim.Token, LongTime, None))
        {
            // On a real clock a loaded machine may let the short lease pass before the heartbeat; only then may it fail.
            Assert.True(elapsed.Elapsed >= ShortTime, $"a claim {elapsed.Elapsed.TotalMilliseconds:0} ms old was not extended");
            return;
        }

        await LetTimePassAsync(ShortTime);

        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);
        Assert.True(await inbox.CompleteAsync("m-1", claim.Token, new byte[] { 3 }, [Message("out")], LongTime, None));
        Assert.Equal(1, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Extending_a_lost_claim_fails_and_leaves_the_new_holder_alone()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim stale = await inbox.TryClaimAsync("m-1", ShortTime, None);
        await LetTimePassAsync(ShortTime);

        // Expired and not yet taken: the heartbeat came too late, the claim is lost.
        Assert.False(await inbox.ExtendClaimAsync("m-1", stale.Token, LongTime, None));

        InboxClaim fresh = await inbox.TryClaimAsync("m-1", ShortTime, None);
        Assert.Equal(InboxClaimStatus.Claimed, fresh.Status);
        Assert.False(await inbox.ExtendClaimAsync("m-1", stale.Token, LongTime, None));

        // The stale extension did not lengthen the fresh claim: it still expires after its own short lease.
        await LetTimePassAsync(ShortTime);
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("m-1", LongTime, None)).Status);
    }

    [Fact(Timeout = Timeout)]
    public async Task Completed_released_wrong_token_and_unknown_claims_are_not_extended()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim done = await inbox.TryClaimAsync("done", LongTime, None);
        Assert.True(await inbox.CompleteAsync("done", done.Token, new byte[] { 1 }, [], LongTime, None));
        Assert.False(await inbox.ExtendClaimAsync("done", done.Token, LongTime, None));
        Assert.Equal(InboxClaimStatus.Completed, (await inbox.TryClaimAsync("done", LongTime, None)).Status);

        InboxClaim released = await inbox.TryClaimAsync("released", LongTime, None);
        await inbox.ReleaseAsync("released", released.Token, None);
        Assert.False(await inbox.ExtendClaimAsync("released", released.Token, LongTime, None));

        InboxClaim held = await inbox.TryClaimAsync("held", LongTime, None);
        Assert.False(await inbox.ExtendClaimAsync("held", held.Token + 1000, LongTime, None));
        Assert.True(await inbox.ExtendClaimAsync("held", held.Token, LongTime, None));

        Assert.False(await inbox.ExtendClaimAsync("unknown", held.Token, LongTime, None));
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("unknown", LongTime, None)).Status);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_batch_claim_answers_each_id_in_order_like_single_claims()
    {
        var (inbox, _) = await CreateAsync();
        InboxClaim done = await inbox.TryClaimAsync("done", LongTime, None);
        Assert.True(await inbox.CompleteAsync("done", done.Token, new byte[] { 0xFF, 0x00 }, [], LongTime, None));
        InboxClaim busy = await inbox.TryClaimAsync("busy", LongTime, None);

        IReadOnlyList<InboxClaim> claims = await inbox.TryClaimBatchAsync(["new-1", "done", "busy", "new-2", "new-1"], LongTime, None);

        Assert.Equal(
            [InboxClaimStatus.Claimed, InboxClaimStatus.Completed, InboxClaimStatus.Busy, InboxClaimStatus.Claimed, InboxClaimStatus.Busy],
            claims.Select(c => c.Status));
        Assert.Equal([0xFF, 0x00], claims[1].Result.ToArray());
        Assert.True(claims[0].Token > busy.Token, $"{claims[0].Token} <= {busy.Token}");
        Assert.NotEqual(claims[0].Token, claims[3].Token);

        // Each claim of the batch is an ordinary claim: it completes, and only with its own token.
        Assert.False(await inbox.CompleteAsync("new-2", claims[0].Token, new byte[] { 1 }, [], LongTime, None));
        Assert.True(await inbox.CompleteAsync("new-1", claims[0].Token, new byte[] { 1 }, [], LongTime, None));
        Assert.True(await inbox.CompleteAsync("new-2", claims[3].Token, new byte[] { 2 }, [], LongTime, None));
        Assert.Empty(await inbox.TryClaimBatchAsync([], LongTime, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Batch_claims_expire_after_their_lease()
    {
        var (inbox, _) = await CreateAsync();
        IReadOnlyList<InboxClaim> first = await inbox.TryClaimBatchAsync(["a", "b"], ShortTime, None);
        await LetTimePassAsync(ShortTime);
        IReadOnlyList<InboxClaim> second = await inbox.TryClaimBatchAsync(["a", "b"], LongTime, None);
        Assert.All(second, c => Assert.Equal(InboxClaimStatus.Claimed, c.Status));
        Assert.True(second[0].Token > first[1].Token);
        Assert.False(await inbox.CompleteAsync("a", first[0].Token, new byte[] { 1 }, [], LongTime, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Of_concurrent_overlapping_batch_claims_each_id_is_won_exactly_once()
    {
        var (inbox, _) = await CreateAsync();
        string[] ids = [.. Enumerable.Range(0, 20).Select(i => $"m-{i}")];
        using var start = new ManualResetEventSlim();
        Task<IReadOnlyList<InboxClaim>>[] attempts = Enumerable.Range(0, 8)
            .Select(n => Task.Run(async () =>
            {
                start.Wait();

                // Each batch walks the ids in its own order.
                string[] order = [.. ids.Skip(n).Concat(ids.Take(n))];
                IReadOnlyList<InboxClaim> claims = await inbox.TryClaimBatchAsync(order, LongTime, None);
                return (IReadOnlyList<InboxClaim>)[.. order.Zip(claims).OrderBy(p => p.First, StringComparer.Ordinal).Select(p => p.Second)];
            }))
            .ToArray();
        start.Set();
        IReadOnlyList<InboxClaim>[] results = await Task.WhenAll(attempts);
        for (int id = 0; id < ids.Length; id++)
        {
            Assert.Single(results, r => r[id].Status == InboxClaimStatus.Claimed);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task A_batch_completion_writes_exactly_the_completions_whose_claims_hold()
    {
        var (inbox, outbox) = await CreateAsync();
        IReadOnlyList<InboxClaim> claims = await inbox.TryClaimBatchAsync(["ok-1", "stale", "ok-2"], LongTime, None);
        InboxClaim expiring = await inbox.TryClaimAsync("expired", ShortTime, None);
        await LetTimePassAsync(ShortTime);

        OutboxMessage[] first = [Message("ok-1-a", "billing"), Message("ok-1-b")];
        InboxCompletion[] completions =
        [
            new("ok-1", claims[0].Token, new byte[] { 1 }, first),
            new("stale", claims[1].Token + 1000, new byte[] { 2 }, [Message("stale-a")]),
            new("never-claimed", claims[0].Token, new byte[] { 3 }, [Message("never-a")]),
            new("expired", expiring.Token, new byte[] { 4 }, [Message("expired-a")]),
            new("ok-2", claims[2].Token, ReadOnlyMemory<byte>.Empty, [Message("ok-2-a")]),
            new("ok-1", claims[0].Token, new byte[] { 5 }, [Message("twice-a")]),
        ];

        IReadOnlyList<bool> stored = await inbox.CompleteBatchAsync(completions, LongTime, None);

        Assert.Equal([true, false, false, false, true, false], stored);
        IReadOnlyList<OutboxMessage> pending = await outbox.ReadPendingAsync(10, 1, None);
        Assert.Equal(["ok-1-a", "ok-1-b", "ok-2-a"], pending.Select(m => m.Id));
        AssertSame(first[0], pending[0]);
        AssertSame(first[1], pending[1]);

        InboxClaim ok1 = await inbox.TryClaimAsync("ok-1", LongTime, None);
        Assert.Equal(InboxClaimStatus.Completed, ok1.Status);
        Assert.Equal([1], ok1.Result.ToArray());
        Assert.Equal(InboxClaimStatus.Completed, (await inbox.TryClaimAsync("ok-2", LongTime, None)).Status);
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("stale", LongTime, None)).Status);
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("never-claimed", LongTime, None)).Status);
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("expired", LongTime, None)).Status);
        Assert.Empty(await inbox.CompleteBatchAsync([], LongTime, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_batch_completion_keeps_its_records_for_the_retention_only()
    {
        var (inbox, _) = await CreateAsync();
        IReadOnlyList<InboxClaim> claims = await inbox.TryClaimBatchAsync(["a", "b"], LongTime, None);
        IReadOnlyList<bool> stored = await inbox.CompleteBatchAsync(
            [new("a", claims[0].Token, new byte[] { 1 }, []), new("b", claims[1].Token, new byte[] { 2 }, [])], ShortTime, None);
        Assert.Equal([true, true], stored);
        await LetTimePassAsync(ShortTime);
        await inbox.CleanupAsync(None);
        IReadOnlyList<InboxClaim> again = await inbox.TryClaimBatchAsync(["a", "b"], LongTime, None);
        Assert.All(again, c => Assert.Equal(InboxClaimStatus.Claimed, c.Status));
    }
}
