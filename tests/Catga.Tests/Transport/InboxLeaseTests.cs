using Catga.Distributed;
using Catga.Inbox;
using Catga.Outbox;
using Catga.Serialization;
using Catga.Transport.Conformance;
using Catga.Transport.Conformance.Distributed;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Transport;

/// <summary>A handler run that outlasts <see cref="DistributedMessagingOptions.InboxLease"/> is never acknowledged
/// without effect: the claim is extended while the run lasts, and a lost claim leads to redelivery.</summary>
public sealed class InboxLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private readonly InMemoryBroker _broker = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<DistributedService> _services = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            service.Recorder.Gate.TrySetResult();
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task Long_run_keeps_its_inbox_claim_by_heartbeat_and_completes()
    {
        var (worker, store) = await StartWorkerAsync();
        var sender = await StartAsync("sender", fakeTime: false, handlers: false);
        var hold = new Hold("long");
        Assert.True((await sender.Bus.SendAsync(hold)).IsSuccess);
        await worker.Recorder.Started.Task.WaitAsync(Eventually.DefaultTimeout);

        // Four beats of a third of the lease each: the run now lasts longer than the lease.
        for (int beat = 0; beat < 4; beat++)
        {
            var extended = store.NextExtension;
            _time.Advance(Lease / 3);
            Assert.True(await extended.WaitAsync(Eventually.DefaultTimeout));
        }

        string key = worker.Recorder.Instance + ":" + hold.MessageId;
        Assert.Equal(InboxClaimStatus.Busy, (await store.Inner.TryClaimAsync(key, Lease, CancellationToken.None)).Status);

        worker.Recorder.Gate.SetResult();
        await Eventually.TrueAsync(() => worker.Recorder.Count("hold") == 1, "the run to finish");
        await Eventually.TrueAsync(() => store.Inner.TryClaimAsync(key, Lease, CancellationToken.None).AsTask().Result.Status == InboxClaimStatus.Completed, "the inbox record completed");
        Assert.Equal(1, worker.Recorder.Attempts["long"]);
    }

    [Fact]
    public async Task Run_whose_claim_was_lost_is_redelivered_instead_of_acknowledged_without_effect()
    {
        var (worker, store) = await StartWorkerAsync();
        store.RefuseExtensions = true;
        var sender = await StartAsync("sender", fakeTime: false, handlers: false);
        var hold = new Hold("lost");
        Assert.True((await sender.Bus.SendAsync(hold)).IsSuccess);
        await worker.Recorder.Started.Task.WaitAsync(Eventually.DefaultTimeout);

        // The heartbeat cannot extend (a frozen process, say); the lease runs out and another run takes the claim.
        var refused = store.NextExtension;
        _time.Advance(Lease / 3);
        Assert.False(await refused.WaitAsync(Eventually.DefaultTimeout));
        _time.Advance(Lease);
        string key = worker.Recorder.Instance + ":" + hold.MessageId;
        var other = await store.Inner.TryClaimAsync(key, Lease, CancellationToken.None);
        Assert.Equal(InboxClaimStatus.Claimed, other.Status);

        // The first run finishes; its completion is refused. The other run gives up its claim: the message must
        // still be there to be handled.
        store.RefuseExtensions = false;
        worker.Recorder.Gate.SetResult();
        await store.Inner.ReleaseAsync(key, other.Token, CancellationToken.None);
        await Eventually.TrueAsync(() => worker.Recorder.Attempts.GetValueOrDefault("lost") == 2, "the redelivered run");
        await Eventually.TrueAsync(() => store.Inner.TryClaimAsync(key, Lease, CancellationToken.None).AsTask().Result.Status == InboxClaimStatus.Completed, "the inbox record completed");
    }

    [Fact]
    public async Task Inbox_lease_shorter_than_the_ack_timeout_fails_startup_naming_both_options()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("short", fakeTime: false, handlers: true, o =>
        {
            o.InboxLease = TimeSpan.FromSeconds(10);
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(30);
        }));
        Assert.Contains("InboxLease", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AckTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Hold.MessageTypeName, ex.Message, StringComparison.Ordinal);
    }

    private async Task<(DistributedService Worker, RecordingInbox Store)> StartWorkerAsync()
    {
        RecordingInbox? store = null;
        var worker = await StartAsync("worker", fakeTime: true, handlers: true, o =>
        {
            o.InboxLease = Lease;
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(2);
            o.ConsumeAllDistributed = false;
            o.Consume<Hold>();
        }, services => services.Replace(ServiceDescriptor.Singleton<IInboxStore>(sp =>
            store = new RecordingInbox(new InMemoryInboxStore(sp.GetRequiredService<InMemoryOutboxStore>(), sp.GetRequiredService<TimeProvider>())))));
        _ = worker.Provider.GetRequiredService<IInboxStore>();
        return (worker, store!);
    }

    private async Task<DistributedService> StartAsync(string name, bool fakeTime, bool handlers, Action<DistributedMessagingOptions>? configure = null, Action<IServiceCollection>? decorate = null)
    {
        var services = new ServiceCollection();
        string serviceName = name + "-" + Guid.NewGuid().ToString("N")[..8];
        var recorder = new DistributedRecorder { Instance = serviceName };
        services.AddSingleton(recorder);
        services.AddLogging();
        if (fakeTime)
        {
            services.AddSingleton<TimeProvider>(_time);
        }

        var builder = services.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        builder.UseInMemoryTransport(_broker);
        builder.UseInMemoryPersistence();
        decorate?.Invoke(services);
        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            options.ConsumeAllDistributed = handlers;
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(options);
        });
        var service = new DistributedService(services.BuildServiceProvider(), recorder);
        _services.Add(service);
        await service.StartAsync();
        return service;
    }

    /// <summary>The in-memory inbox, signalling each claim extension, and able to refuse them (a lost heartbeat).</summary>
    private sealed class RecordingInbox(IInboxStore inner) : IInboxStore
    {
        private TaskCompletionSource<bool> _extension = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IInboxStore Inner => inner;

        public volatile bool RefuseExtensions;

        /// <summary>Completes at the next extension with whether it held.</summary>
        public Task<bool> NextExtension => Volatile.Read(ref _extension).Task;

        public async ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken)
        {
            bool held = !RefuseExtensions && await inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);
            Interlocked.Exchange(ref _extension, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(held);
            return held;
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
