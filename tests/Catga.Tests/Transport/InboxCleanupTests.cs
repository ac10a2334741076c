using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Catga.Serialization;
using Catga.Testing;
using Catga.Transport.Conformance.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Transport;

public sealed class InboxCleanupTests
{
    /// <summary>Counts what the host's cleanup removes from the in-memory inbox.</summary>
    private sealed class CountingInbox(IInboxStore inner) : IInboxStore
    {
        private long _removed;

        public long Removed => Interlocked.Read(ref _removed);

        public ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken) => inner.TryClaimAsync(messageId, lease, cancellationToken);

        public ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken)
            => inner.CompleteAsync(messageId, claimToken, result, outbox, retention, cancellationToken);

        public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken) => inner.ReleaseAsync(messageId, claimToken, cancellationToken);

        public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken) => inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);

        public ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken) => inner.TryClaimBatchAsync(messageIds, lease, cancellationToken);

        public ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken) => inner.CompleteBatchAsync(completions, retention, cancellationToken);

        private readonly List<(DateTimeOffset From, TaskCompletionSource Done)> _waiters = [];

        public TimeProvider Time { get; init; } = TimeProvider.System;

        /// <summary>Completes when a cleanup run that started at or after <paramref name="from"/> (on the inbox's clock) has finished.</summary>
        public Task CleanupStartedAfter(DateTimeOffset from)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((from, done));
            }

            return done.Task;
        }

        public async ValueTask<long> CleanupAsync(CancellationToken cancellationToken)
        {
            var started = Time.GetUtcNow();
            long removed = await inner.CleanupAsync(cancellationToken);
            Interlocked.Add(ref _removed, removed);
            lock (_waiters)
            {
                foreach (var waiter in _waiters.Where(w => started >= w.From).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }

            return removed;
        }
    }

    [Fact]
    public async Task Host_removes_inbox_records_past_their_retention_and_not_before()
    {
        // The host's maintenance loop and the inbox run on the harness's fake clock: no real waiting.
        await using var harness = new CatgaTestHarness();
        var inbox = new CountingInbox(new InMemoryInboxStore(new InMemoryOutboxStore(), harness.Time)) { Time = harness.Time };
        var host = await harness.StartHostAsync(
            "inventory",
            catga => catga.AddGeneratedHandlers().UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry),
            messaging: o =>
            {
                o.ConsumeAllDistributed = false;
                o.Consume<Reserve>();
                o.Route<Reserve>();
                o.InboxRetention = TimeSpan.FromHours(1);
                o.InboxCleanupInterval = TimeSpan.FromMinutes(1);
            },
            services: s => s.AddSingleton(new DistributedRecorder()).AddSingleton<IInboxStore>(inbox));

        for (int i = 0; i < 3; i++)
        {
            var (result, _) = await harness.TrackAsync(() => host.Mediator.SendAsync(new Reserve("sku-" + i, 1)).AsTask());
            Assert.True(result.IsSuccess, result.Error?.Message);
        }

        // Half the retention: a cleanup runs and keeps every record.
        var early = inbox.CleanupStartedAfter(harness.Time.GetUtcNow() + TimeSpan.FromMinutes(30));
        harness.Time.Advance(TimeSpan.FromMinutes(30));
        await early.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, inbox.Removed);

        // Past the retention: the next cleanup removes all three.
        var late = inbox.CleanupStartedAfter(harness.Time.GetUtcNow() + TimeSpan.FromMinutes(31));
        harness.Time.Advance(TimeSpan.FromMinutes(31));
        await late.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, inbox.Removed);
    }
}
