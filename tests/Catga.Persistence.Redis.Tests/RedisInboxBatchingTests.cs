using System.Collections.Concurrent;
using System.Text;
using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Catga.TestInfrastructure;

namespace Catga.Persistence.Redis.Tests;

/// <summary>The consumer's inbox batcher over the real Redis inbox store: under concurrent handler runs, claims and
/// completions share round trips, and every message still gets exactly one successful claim and one stored effect.</summary>
public sealed class RedisInboxBatchingTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private const int Workers = 64;
    private const int Ids = 640;

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_runs_share_round_trips_and_each_message_takes_effect_once()
    {
        var store = new CountingInbox(new RedisInboxStore(fixture.Connection, StoreOptions.Unique()));
        var batcher = new InboxBatcher(store, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

        // Every id is delivered twice, to two different workers (a redelivery racing the first run): one of them
        // claims it and stores its effect, the other finds it busy or done.
        var work = new ConcurrentQueue<string>(Enumerable.Range(0, Ids * 2).Select(i => "m" + (i % Ids)));
        var claimedBy = new ConcurrentDictionary<string, int>();
        var effects = new ConcurrentDictionary<string, int>();
        var refused = new ConcurrentBag<string>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            while (work.TryDequeue(out var id))
            {
                var claim = await batcher.TryClaimAsync(id, CancellationToken.None);
                if (claim.Status != InboxClaimStatus.Claimed)
                {
                    continue;
                }

                claimedBy.AddOrUpdate(id, 1, (_, n) => n + 1);
                if (await batcher.CompleteAsync(id, claim.Token, Encoding.UTF8.GetBytes("done " + id), [], CancellationToken.None))
                {
                    effects.AddOrUpdate(id, 1, (_, n) => n + 1);
                }
                else
                {
                    refused.Add(id);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        // Exactly once: every id claimed once, completed once, and its stored result is the one run's.
        Assert.Empty(refused);
        Assert.Equal(Ids, claimedBy.Count);
        Assert.All(claimedBy.Values, n => Assert.Equal(1, n));
        Assert.Equal(Ids, effects.Count);
        foreach (var id in new[] { "m0", "m1", "m" + (Ids - 1) })
        {
            var again = await store.Inner.TryClaimAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.Equal(InboxClaimStatus.Completed, again.Status);
            Assert.Equal("done " + id, Encoding.UTF8.GetString(again.Result.Span));
        }

        // Batched: more than one message per Redis round trip, for claims and for completions.
        Assert.Equal(Ids * 2, store.Claimed);
        Assert.Equal(Ids, store.Completed);
        double claimsPerCall = (double)store.Claimed / store.ClaimCalls;
        double completionsPerCall = (double)store.Completed / store.CompleteCalls;
        Assert.True(claimsPerCall > 1, $"{store.Claimed} claims took {store.ClaimCalls} round trips");
        Assert.True(completionsPerCall > 1, $"{store.Completed} completions took {store.CompleteCalls} round trips");
    }

    /// <summary>Counts the store's batch calls (one Redis round trip each) and the messages they carry.</summary>
    private sealed class CountingInbox(RedisInboxStore inner) : IInboxStore
    {
        private int _claimCalls;
        private int _claimed;
        private int _completeCalls;
        private int _completed;

        public RedisInboxStore Inner => inner;

        public int ClaimCalls => Volatile.Read(ref _claimCalls);

        public int Claimed => Volatile.Read(ref _claimed);

        public int CompleteCalls => Volatile.Read(ref _completeCalls);

        public int Completed => Volatile.Read(ref _completed);

        public ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _claimCalls);
            Interlocked.Add(ref _claimed, messageIds.Count);
            return inner.TryClaimBatchAsync(messageIds, lease, cancellationToken);
        }

        public ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _completeCalls);
            Interlocked.Add(ref _completed, completions.Count);
            return inner.CompleteBatchAsync(completions, retention, cancellationToken);
        }

        public ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken) => throw new InvalidOperationException("claims go in batches");

        public ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken) => throw new InvalidOperationException("completions go in batches");

        public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken) => inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);

        public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken) => inner.ReleaseAsync(messageId, claimToken, cancellationToken);

        public ValueTask<long> CleanupAsync(CancellationToken cancellationToken) => inner.CleanupAsync(cancellationToken);
    }
}
