using System.Collections.Concurrent;
using Catga;
using Catga.Distributed;
using Catga.Serialization;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Shop;

/// <summary>What each release's handlers saw.</summary>
public sealed class PaymentLedger
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;

    public ConcurrentQueue<(string Release, string OrderId, decimal Amount, string Currency, MessageId Id)> Entries { get; } = new();

    public void Expect(int count)
    {
        _expected = count;
        Check();
    }

    public Task All => _all.Task;

    public void Add(string release, string orderId, decimal amount, string currency, MessageId id)
    {
        Entries.Enqueue((release, orderId, amount, currency, id));
        Check();
    }

    private void Check()
    {
        if (Entries.Count >= _expected)
        {
            _all.TrySetResult();
        }
    }
}

/// <summary>The handler of release 1, which knows only version 1.</summary>
public sealed class ReleaseOnePaymentHandler(PaymentLedger ledger) : IEventHandler<V1.PaymentCaptured>
{
    public ValueTask HandleAsync(V1.PaymentCaptured @event, CancellationToken cancellationToken)
    {
        ledger.Add("release-1", @event.OrderId, @event.AmountCents / 100m, "EUR", @event.MessageId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The handler of release 2, which handles the current version only.</summary>
public sealed class ReleaseTwoPaymentHandler(PaymentLedger ledger) : IEventHandler<PaymentCaptured>
{
    public ValueTask HandleAsync(PaymentCaptured @event, CancellationToken cancellationToken)
    {
        ledger.Add("release-2", @event.OrderId, @event.Amount, @event.Currency, @event.MessageId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A rolling deploy of a breaking change (version 2 of shop.payment-captured, with a conversion from version 1): an
/// instance of release 1 and one of release 2 share an in-memory broker, each with its own message-type registry, and
/// both write. Release 2 reads release 1's payloads through the generated conversion; release 1 never sees version 2
/// (it has no such wire name, so it does not subscribe), so nothing is misread on either side.
/// </summary>
public sealed class RollingDeployTests
{
    [Fact]
    public async Task Old_and_new_writers_and_readers_run_side_by_side_and_every_payment_is_handled_once_correctly()
    {
        var broker = new InMemoryBroker();
        var ledger = new PaymentLedger();
        var releaseOne = Service(broker, ledger, new MessageTypeRegistry(Catga.Generated.Catga_Versioning_Messages_V1MessageTypes.Types), o =>
        {
            o.ServiceName = "billing-release-1";
            o.Publish<V1.PaymentCaptured>();
            o.Consume<V1.PaymentCaptured>();
        });
        var releaseTwo = Service(broker, ledger, new MessageTypeRegistry(Catga.Generated.Catga_Versioning_TestsMessageTypes.Types), o =>
        {
            o.ServiceName = "billing-release-2";
            o.Publish<PaymentCaptured>();
            o.Consume<PaymentCapturedV1>();
            o.Consume<PaymentCaptured>();
        });
        await using var one = releaseOne;
        await using var two = releaseTwo;
        var hosts = await StartAsync(one, two);

        // Release 1 writes version 1; release 2 writes version 2.
        var old = new V1.PaymentCaptured("o-1", 1250);
        await one.GetRequiredService<ICatgaMediator>().PublishAsync(old);
        var current = new PaymentCaptured("o-2", 20.5m, "USD");
        await two.GetRequiredService<ICatgaMediator>().PublishAsync(current);

        // Version 1 reaches both releases (each its own subscriber); version 2 only release 2.
        ledger.Expect(3);
        await ledger.All.WaitAsync(TimeSpan.FromSeconds(30));
        await StopAsync(hosts);

        Assert.Equal(
            [
                ("release-1", "o-1", 12.50m, "EUR", old.MessageId),
                ("release-2", "o-1", 12.50m, "EUR", old.MessageId),
                ("release-2", "o-2", 20.5m, "USD", current.MessageId),
            ],
            ledger.Entries.OrderBy(e => e.OrderId).ThenBy(e => e.Release));
    }

    [Fact]
    public void The_registry_entry_of_version_1_names_version_2_as_its_current_version_and_converts_to_it()
    {
        var registry = new MessageTypeRegistry(Catga.Generated.Catga_Versioning_TestsMessageTypes.Types);
        var v1 = registry.GetByName("shop.payment-captured");
        var sent = new PaymentCapturedV1("o-3", 199) { CorrelationId = MessageId.NewId() };

        Assert.Equal(typeof(PaymentCaptured), v1.CurrentVersion);
        Assert.Null(registry.GetByName("shop.payment-captured.v2").CurrentVersion);
        var converted = Assert.IsType<PaymentCaptured>(ToCurrent(sent));
        Assert.Equal(new PaymentCaptured("o-3", 1.99m, "EUR") { MessageId = sent.MessageId, CorrelationId = sent.CorrelationId }, converted);
    }

    /// <summary>The generated conversion, called the way MessageTypeInfo&lt;T&gt; calls it.</summary>
    private static object ToCurrent<T>(T message)
        where T : ISerializableMessage<T>
        => T.ToCurrentVersion(message);

    private static ServiceProvider Service(InMemoryBroker broker, PaymentLedger ledger, MessageTypeRegistry registry, Action<DistributedMessagingOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(ledger);
        services.AddCatga().AddGeneratedHandlers()
            .UseBinarySerializer(registry)
            .UseInMemoryTransport(broker)
            .AddDistributedMessaging(o =>
            {
                o.ConsumeAllDistributed = false;
                configure(o);
            });
        return services.BuildServiceProvider();
    }

    private static async Task<List<IHostedService>> StartAsync(params ServiceProvider[] providers)
    {
        var hosted = providers.SelectMany(p => p.GetServices<IHostedService>()).ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return hosted;
    }

    private static async Task StopAsync(List<IHostedService> hosted)
    {
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
