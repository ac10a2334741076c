using Catga.Distributed;
using Catga.Serialization;
using Catga.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Transport.Conformance.Distributed;

/// <summary>
/// What Catga does with a message larger than its transport accepts: the sender gets
/// <see cref="CatgaErrorCodes.MessageTooLarge"/> (through the outbox or straight to the transport), and an outbox
/// entry the transport refuses for good is dead-lettered by the relay with the reason, never blocking the entries
/// behind it. A subclass provides a transport whose limit is <see cref="PayloadLimit"/> bytes.
/// </summary>
public abstract class PayloadLimitConformance : IAsyncLifetime
{
    private readonly List<DistributedService> _services = [];

    /// <summary>The most the transport of <see cref="UseTransportAsync"/> accepts, in bytes.</summary>
    protected abstract int PayloadLimit { get; }

    /// <summary>Adds the transport; every call must connect to the same server.</summary>
    protected abstract ValueTask UseTransportAsync(CatgaBuilder builder);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_message_larger_than_the_transport_accepts_fails_at_its_sender_and_is_never_stored()
    {
        string consumer = Unique("billing");
        var billing = await StartAsync(consumer, handlers: true, consume: true);
        var viaOutbox = await StartAsync(Unique("web"), handlers: false, consume: false);
        var direct = await StartAsync(Unique("edge"), handlers: false, consume: false, outbox: false);
        var oversize = new OrderPlaced(new string('x', PayloadLimit + 1), 1m);

        foreach (var sender in new[] { viaOutbox, direct })
        {
            var result = await sender.Mediator.PublishAsync(oversize);
            Assert.False(result.IsSuccess);
            Assert.Equal(CatgaErrorCodes.MessageTooLarge, result.Error!.Code);
            Assert.Contains($"{PayloadLimit} bytes", result.Error.Message, StringComparison.Ordinal);
            Assert.IsType<MessageTooLargeException>(result.Error.Exception);
        }

        Assert.Equal(0, await viaOutbox.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));

        // Messages within the limit still flow from both senders.
        Assert.True((await viaOutbox.Mediator.PublishAsync(new OrderPlaced("small-1", 1m))).IsSuccess);
        Assert.True((await direct.Mediator.PublishAsync(new OrderPlaced("small-2", 1m))).IsSuccess);
        await Eventually.TrueAsync(() => billing.Recorder.Count("placed") == 2, "both small events handled");
    }

    [Fact]
    public async Task An_outbox_entry_the_transport_refuses_is_dead_lettered_with_the_reason_and_the_entries_behind_it_are_delivered()
    {
        var billing = await StartAsync(Unique("billing"), handlers: true, consume: true);
        var poisoning = new PoisoningOutbox(PayloadLimit);
        var web = await StartAsync(Unique("web"), handlers: false, consume: false, configureServices: services =>
            services.Replace(ServiceDescriptor.Singleton<IOutboxStore>(sp => poisoning.Wrap(sp.GetRequiredService<InMemoryOutboxStore>()))));

        // The first entry gets an oversize twin stored ahead of it, as if written while the server accepted more.
        poisoning.PoisonNext = true;
        Assert.True((await web.Mediator.PublishAsync(new OrderPlaced("behind-1", 1m))).IsSuccess);
        Assert.True((await web.Mediator.PublishAsync(new OrderPlaced("behind-2", 2m))).IsSuccess);

        await Eventually.TrueAsync(() => billing.Recorder.Count("placed") == 2, "the entries behind the poison delivered");
        await Eventually.TrueAsync(() => web.DeadLetters.CountAsync().AsTask().Result == 1, "the poison entry dead-lettered");
        var letter = Assert.Single(await web.DeadLetters.ListAsync());
        Assert.Equal(poisoning.PoisonId, letter.Id);
        Assert.Equal(CatgaErrorCodes.MessageTooLarge, letter.Reason);
        Assert.Contains($"{PayloadLimit} bytes", letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(MessageTooLargeException).FullName, letter.ExceptionType);
        Assert.Equal(0, await web.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
        Assert.Equal(["behind-1", "behind-2"], billing.Recorder.Handled.Where(h => h.Kind == "placed").Select(h => h.Key).Order());
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private async Task<DistributedService> StartAsync(string serviceName, bool handlers, bool consume, bool outbox = true, Action<IServiceCollection>? configureServices = null)
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
        await UseTransportAsync(builder);
        builder.UseInMemoryPersistence();
        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            options.UseOutbox = outbox;
            options.ConsumeAllDistributed = false;
            if (consume)
            {
                options.Consume<OrderPlaced>();
            }

            options.Consumers.AckTimeout = TimeSpan.FromSeconds(2);
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            options.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            options.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
        });
        configureServices?.Invoke(services);
        var service = new DistributedService(services.BuildServiceProvider(), recorder);
        _services.Add(service);
        await service.StartAsync();
        return service;
    }

    /// <summary>Stores, ahead of the next entry added, an oversize copy of it under a new id: an entry that got into the
    /// outbox while the transport accepted more (a server's limit lowered, an older version that did not check).</summary>
    private sealed class PoisoningOutbox(int limit)
    {
        public volatile bool PoisonNext;

        public string? PoisonId { get; private set; }

        public IOutboxStore Wrap(IOutboxStore inner) => new Store(inner, this);

        private IReadOnlyList<OutboxMessage> Poison(IReadOnlyList<OutboxMessage> messages)
        {
            if (!PoisonNext || messages.Count == 0)
            {
                return messages;
            }

            PoisonNext = false;
            var original = messages[0];
            PoisonId = MessageId.NewId().ToString();
            var headers = new MessageHeaders();
            foreach (var (name, value) in original.Message.Headers)
            {
                headers.Set(name, name == MessageHeaderNames.MessageId ? PoisonId : value);
            }

            var poison = new OutboxMessage(PoisonId, original.Destination, new TransportMessage(headers, new byte[limit + 1]));
            return [poison, .. messages];
        }

        private sealed class Store(IOutboxStore inner, PoisoningOutbox owner) : IOutboxStore
        {
            public ValueTask AddAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) => inner.AddAsync(owner.Poison(messages), cancellationToken);

            public ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, long fencingToken, CancellationToken cancellationToken) => inner.ReadPendingAsync(max, fencingToken, cancellationToken);

            public ValueTask MarkDispatchedAsync(IReadOnlyList<string> ids, long fencingToken, CancellationToken cancellationToken) => inner.MarkDispatchedAsync(ids, fencingToken, cancellationToken);

            public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);
        }
    }
}
