using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Catga.Transport;

namespace Catga.Tests.Transport;

/// <summary>The consumer's inbox batching: claims and completions of concurrent runs reach the store as batch calls,
/// each message keeping its own atomicity and fencing.</summary>
public sealed class InboxBatcherTests
{
    [Fact]
    public async Task Claims_made_while_a_batch_call_is_in_flight_reach_the_store_as_one_call_and_each_gets_its_own_answer()
    {
        var store = new GatedInbox(new InMemoryInboxStore(new InMemoryOutboxStore()));
        var batcher = new InboxBatcher(store, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

        var first = batcher.TryClaimAsync("a", CancellationToken.None);
        var rest = new[] { "b", "c", "d", "b" }.Select(id => batcher.TryClaimAsync(id, CancellationToken.None)).ToList();
        Assert.Equal(4, batcher.PendingClaims);
        Assert.False(first.IsCompleted);

        store.Gate.SetResult();
        var claims = await Task.WhenAll(rest.Prepend(first));

        Assert.Equal([1, 4], store.ClaimBatchSizes);
        Assert.Equal(
            [InboxClaimStatus.Claimed, InboxClaimStatus.Claimed, InboxClaimStatus.Claimed, InboxClaimStatus.Claimed, InboxClaimStatus.Busy],
            claims.Select(c => c.Status));
        Assert.Equal(4, claims.Where(c => c.Status == InboxClaimStatus.Claimed).Select(c => c.Token).Distinct().Count());
    }

    [Fact]
    public async Task A_completion_whose_claim_was_lost_writes_nothing_and_does_not_stop_the_others_of_its_batch()
    {
        var outbox = new InMemoryOutboxStore();
        var store = new GatedInbox(new InMemoryInboxStore(outbox));
        store.Gate.SetResult();
        var batcher = new InboxBatcher(store, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        var claims = await Task.WhenAll(new[] { "w", "x", "y" }.Select(id => batcher.TryClaimAsync(id, CancellationToken.None)));

        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var w = batcher.CompleteAsync("w", claims[0].Token, new byte[] { 1 }, [Entry("from-w")], CancellationToken.None);
        var x = batcher.CompleteAsync("x", claims[1].Token, new byte[] { 2 }, [Entry("from-x")], CancellationToken.None);
        var y = batcher.CompleteAsync("y", claims[2].Token + 1000, new byte[] { 3 }, [Entry("from-y")], CancellationToken.None);
        Assert.Equal(2, batcher.PendingCompletions);
        store.Gate.SetResult();

        bool[] completed = await Task.WhenAll(w, x, y);
        Assert.Equal(new[] { true, true, false }, completed);
        Assert.Equal([1, 2], store.CompleteBatchSizes);
        var pending = await outbox.ReadPendingAsync(10, 1, CancellationToken.None);
        Assert.Equal(["from-w", "from-x"], pending.Select(m => m.Id));

        // The lost claim is still the store's to give: y was not marked handled.
        var again = await batcher.TryClaimAsync("y", CancellationToken.None);
        Assert.Equal(InboxClaimStatus.Busy, again.Status);
        var done = await batcher.TryClaimAsync("x", CancellationToken.None);
        Assert.Equal(InboxClaimStatus.Completed, done.Status);
        Assert.Equal(new byte[] { 2 }, done.Result.ToArray());
    }

    [Fact]
    public async Task A_store_failure_fails_every_run_of_the_batch_and_the_next_batch_is_sent_again()
    {
        var store = new GatedInbox(new InMemoryInboxStore(new InMemoryOutboxStore())) { Failure = new TimeoutException("store down") };
        var batcher = new InboxBatcher(store, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        var first = batcher.TryClaimAsync("a", CancellationToken.None);
        var second = batcher.TryClaimAsync("b", CancellationToken.None);
        store.Gate.SetResult();

        Assert.Equal("store down", (await Assert.ThrowsAsync<TimeoutException>(() => first)).Message);
        await Assert.ThrowsAsync<TimeoutException>(() => second);

        store.Failure = null;
        Assert.Equal(InboxClaimStatus.Claimed, (await batcher.TryClaimAsync("a", CancellationToken.None)).Status);
    }

    private static OutboxMessage Entry(string id) => new(id, "Tests.Out", new TransportMessage(new MessageHeaders(), new byte[] { 9 }));

    /// <summary>Forwards batch calls to a real in-memory store; holds them until <see cref="Gate"/> opens; the
    /// single-message calls must not be used.</summary>
    private sealed class GatedInbox(IInboxStore inner) : IInboxStore
    {
        public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; set; }

        public List<int> ClaimBatchSizes { get; } = [];

        public List<int> CompleteBatchSizes { get; } = [];

        public async ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
        {
            ClaimBatchSizes.Add(messageIds.Count);
            await Gate.Task;
            return Failure is { } failure ? throw failure : await inner.TryClaimBatchAsync(messageIds, lease, cancellationToken);
        }

        public async ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken)
        {
            CompleteBatchSizes.Add(completions.Count);
            await Gate.Task;
            return await inner.CompleteBatchAsync(completions, retention, cancellationToken);
        }

        public ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken) => throw new InvalidOperationException("claims go in batches");

        public ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken) => throw new InvalidOperationException("completions go in batches");

        public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken) => inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);

        public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken) => inner.ReleaseAsync(messageId, claimToken, cancellationToken);

        public ValueTask<long> CleanupAsync(CancellationToken cancellationToken) => inner.CleanupAsync(cancellationToken);
    }
}
