using System.Collections.Concurrent;
using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Transport;

/// <summary>The consumer's claim keeper: one timer extends the inbox claims of every running handler each third of the
/// lease, a claim the store refuses is reported lost and left alone, and a finished run's claim is no longer touched.</summary>
public sealed class ClaimKeeperTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Every_running_claim_is_extended_each_third_of_the_lease_and_outlives_the_lease()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingInbox(new InMemoryInboxStore(new InMemoryOutboxStore(), time));
        var keeper = new ClaimKeeper(store, Lease, time, NullLogger.Instance);
        var a = await store.TryClaimAsync("a", Lease, CancellationToken.None);
        var b = await store.TryClaimAsync("b", Lease, CancellationToken.None);
        using var keptA = keeper.Keep("a", a.Token);
        using var keptB = keeper.Keep("b", b.Token);

        for (int beat = 1; beat <= 4; beat++)
        {
            var next = keeper.NextBeat;
            time.Advance(Lease / 3);
            await next.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(beat, store.Extensions["a"]);
            Assert.Equal(beat, store.Extensions["b"]);
        }

        // Four thirds of the lease have passed since the claims were taken: only the extensions kept them.
        Assert.Equal(InboxClaimStatus.Busy, (await store.TryClaimAsync("a", Lease, CancellationToken.None)).Status);
        Assert.Equal(InboxClaimStatus.Busy, (await store.TryClaimAsync("b", Lease, CancellationToken.None)).Status);
        Assert.False(keptA.Lost);
        Assert.False(keptB.Lost);
    }

    [Fact]
    public async Task A_refused_claim_is_lost_and_a_released_one_is_left_alone_while_the_others_are_kept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingInbox(new InMemoryInboxStore(new InMemoryOutboxStore(), time));
        var keeper = new ClaimKeeper(store, Lease, time, NullLogger.Instance);
        var a = await store.TryClaimAsync("a", Lease, CancellationToken.None);
        var b = await store.TryClaimAsync("b", Lease, CancellationToken.None);
        var c = await store.TryClaimAsync("c", Lease, CancellationToken.None);
        using var keptA = keeper.Keep("a", a.Token);
        var keptB = keeper.Keep("b", b.Token);

        // "c" was taken over by another run (its token no longer matches): the store refuses the extension.
        using var keptC = keeper.Keep("c", c.Token + 1000);
        var first = keeper.NextBeat;
        time.Advance(Lease / 3);
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(keptC.Lost);
        Assert.False(keptA.Lost);

        keptB.Dispose();
        Assert.Equal(2, keeper.Count);
        var second = keeper.NextBeat;
        time.Advance(Lease / 3);
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, store.Extensions["a"]);
        Assert.Equal(1, store.Extensions["b"]);
        Assert.Equal(1, store.Extensions["c"]);
    }

    /// <summary>Counts extensions per message id.</summary>
    private sealed class CountingInbox(IInboxStore inner) : IInboxStore
    {
        public ConcurrentDictionary<string, int> Extensions { get; } = new();

        public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken)
        {
            Extensions.AddOrUpdate(messageId, 1, (_, n) => n + 1);
            return inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);
        }

        public ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken) => inner.TryClaimAsync(messageId, lease, cancellationToken);

        public ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken)
            => inner.CompleteAsync(messageId, claimToken, result, outbox, retention, cancellationToken);

        public ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken) => inner.TryClaimBatchAsync(messageIds, lease, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken) => inner.CompleteBatchAsync(completions, retention, cancellationToken);

        public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken) => inner.ReleaseAsync(messageId, claimToken, cancellationToken);

        public ValueTask<long> CleanupAsync(CancellationToken cancellationToken) => inner.CleanupAsync(cancellationToken);
    }
}
