using System.Collections.Concurrent;
using Catga.Distributed;
using Catga.Serialization;
using Catga.Transport;
using Catga.Transport.Conformance;
using Catga.Transport.Conformance.Distributed;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Transport;

/// <summary>Capabilities belong to a subscription: one transport may serve a durable destination (failures retried by
/// redelivery, never in process while unacknowledged) next to an at-most-once one (failures retried in process).</summary>
public sealed class SubscriptionCapabilitiesTests : IAsyncLifetime
{
    private readonly InMemoryBroker _broker = new();
    private readonly List<DistributedService> _services = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task Durable_subscription_retries_by_redelivery_and_at_most_once_subscription_retries_in_process()
    {
        // Ship is durable (like a JetStream destination); Audit is at-most-once (like a core NATS one), on one transport.
        var transport = new MixedTransport(new InMemoryTransport(_broker), atMostOnce: Audit.MessageTypeName);
        string name = "mixed-" + Guid.NewGuid().ToString("N")[..8];
        var worker = await StartAsync(name, transport, handlers: true);
        var sender = await StartAsync(name + "-sender", new InMemoryTransport(_broker), handlers: false);
        worker.Recorder.Failing["order-durable"] = true;
        worker.Recorder.Failing["audit-core"] = true;

        Assert.True((await sender.Bus.SendAsync(new Ship("order-durable"))).IsSuccess);
        Assert.True((await sender.Bus.SendAsync(new Audit("audit-core"))).IsSuccess);
        await Eventually.TrueAsync(() => worker.DeadLetters.CountAsync().AsTask().Result == 2, "both dead-lettered");

        // Durable: every handler run came from its own delivery (1, 2, 3), none was repeated while unacknowledged.
        Assert.Equal(3, worker.Recorder.Attempts["order-durable"]);
        Assert.Equal([1, 2, 3], transport.Deliveries(Ship.MessageTypeName));
        // At-most-once: one delivery, its two attempts (Audit's [CatgaRetry(2)]) ran in process.
        Assert.Equal(2, worker.Recorder.Attempts["audit-core"]);
        Assert.Equal([1], transport.Deliveries(Audit.MessageTypeName));
    }

    private async Task<DistributedService> StartAsync(string serviceName, IMessageTransport transport, bool handlers)
    {
        var services = new ServiceCollection();
        var recorder = new DistributedRecorder { Instance = serviceName };
        services.AddSingleton(recorder);
        services.AddLogging();
        var builder = services.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        services.AddSingleton(transport);
        builder.UseInMemoryPersistence();
        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            options.ConsumeAllDistributed = handlers;
            options.Consumers.Retry = RetryPolicy.Fixed(3, TimeSpan.FromMilliseconds(10));
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(20);
        });
        var service = new DistributedService(services.BuildServiceProvider(), recorder);
        _services.Add(service);
        await service.StartAsync();
        return service;
    }

    /// <summary>The in-memory transport, with chosen destinations reported at-most-once, recording every delivery.</summary>
    private sealed class MixedTransport(InMemoryTransport inner, string atMostOnce) : IMessageTransport
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _deliveries = new();

        public string Name => inner.Name;

        public IReadOnlyList<int> Deliveries(string destination) => [.. _deliveries.GetOrAdd(destination, _ => new())];

        public ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken) => inner.SendAsync(destination, message, cancellationToken);

        public ValueTask SendBatchAsync(string destination, IReadOnlyList<TransportMessage> messages, CancellationToken cancellationToken) => inner.SendBatchAsync(destination, messages, cancellationToken);

        public ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken) => inner.RequestAsync(destination, message, timeout, cancellationToken);

        public async ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
        {
            var source = await inner.OpenAsync(subscription, cancellationToken);
            var capabilities = subscription.Destination == atMostOnce ? TransportCapabilities.None : source.Capabilities;
            return new Source(source, capabilities, _deliveries.GetOrAdd(subscription.Destination, _ => new()));
        }

        public ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class Source(IDeliverySource inner, TransportCapabilities capabilities, ConcurrentQueue<int> deliveries) : IDeliverySource
        {
            public TransportCapabilities Capabilities => capabilities;

            public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
            {
                var batch = await inner.FetchAsync(maxMessages, cancellationToken);
                foreach (var message in batch)
                {
                    deliveries.Enqueue(message.DeliveryCount);
                }

                return batch;
            }

            public ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
                // At-most-once: a failed message is gone, like on core NATS.
                => capabilities.HasFlag(TransportCapabilities.Durable) || outcome.Kind is not (DeliveryOutcomeKind.Retry or DeliveryOutcomeKind.Defer)
                    ? inner.SettleAsync(message, outcome, cancellationToken)
                    : inner.SettleAsync(message, DeliveryOutcome.Ack, cancellationToken);

            public ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken) => inner.ExtendAsync(message, cancellationToken);

            public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => inner.GetLagAsync(cancellationToken);

            public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => inner.GetUnsettledAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
