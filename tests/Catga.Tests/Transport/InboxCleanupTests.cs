using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Catga.Serialization;
using Catga.Transport.Conformance.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

        public async ValueTask<long> CleanupAsync(CancellationToken cancellationToken)
        {
            long removed = await inner.CleanupAsync(cancellationToken);
            Interlocked.Add(ref _removed, removed);
            return removed;
        }
    }

    [Fact]
    public async Task Host_removes_inbox_records_past_their_retention()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new DistributedRecorder());
        var inbox = new CountingInbox(new InMemoryInboxStore(new InMemoryOutboxStore()));
        services.AddCatga().AddGeneratedHandlers()
            .UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry)
            .UseInMemoryTransport()
            .AddDistributedMessaging(o =>
            {
                o.ServiceName = "inventory";
                o.ConsumeAllDistributed = false;
                o.Consume<Reserve>();
                o.Route<Reserve>();
                o.InboxRetention = TimeSpan.FromMilliseconds(100);
                o.InboxCleanupInterval = TimeSpan.FromMilliseconds(50);
            });
        services.AddSingleton<IInboxStore>(inbox);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var mediator = provider.GetRequiredService<ICatgaMediator>();
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await mediator.SendAsync(new Reserve("sku-" + i, 1))).IsSuccess);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (inbox.Removed < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(3, inbox.Removed);
    }
}
