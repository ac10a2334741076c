using System.Threading.Channels;
using Catga;
using Catga.Distributed;
using Catga.Serialization;
using Catga.Serialization.MemoryPack;
using Catga.Transport.InMemory;
using MemoryPack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Two services on one in-memory broker: the packer publishes, the shipper consumes, both with MemoryPack bodies.
var broker = new InMemoryBroker();
await using var packer = Service(broker, o => o.Publish<OrderPacked>());
await using var shipper = Service(broker, o => o.Consume<OrderPacked>());
var hosted = packer.GetServices<IHostedService>().Concat(shipper.GetServices<IHostedService>()).ToList();
foreach (var service in hosted)
{
    await service.StartAsync(CancellationToken.None);
}

var sent = new OrderPacked("o-aot", 3, ["fragile", "cold"]);
var published = await packer.GetRequiredService<ICatgaMediator>().PublishAsync(sent);
var handled = await shipper.GetRequiredService<Received>().Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
foreach (var service in hosted)
{
    await service.StopAsync(CancellationToken.None);
}

bool ok = published.IsSuccess && handled.MessageId == sent.MessageId && handled.OrderId == "o-aot" && handled.Quantity == 3 && handled.Tags.SequenceEqual(sent.Tags);
Console.WriteLine(ok
    ? $"ok: {handled.OrderId} x{handled.Quantity} [{string.Join(", ", handled.Tags)}] handled with message id {handled.MessageId}"
    : $"FAILED: published {published.IsSuccess}, handled {handled}");
return ok ? 0 : 1;

static ServiceProvider Service(InMemoryBroker broker, Action<DistributedMessagingOptions> configure)
{
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddSingleton(new Received());
    services.AddCatga().AddGeneratedHandlers()
        .UseMemoryPackSerializer(Catga.Generated.CatgaMessageTypes.Registry)
        .UseInMemoryTransport(broker)
        .AddDistributedMessaging(o =>
        {
            o.ServiceName = "memorypack-aot-" + Guid.NewGuid().ToString("N");
            o.ConsumeAllDistributed = false;
            configure(o);
        });
    return services.BuildServiceProvider();
}

/// <summary>A Catga event whose body MemoryPack writes.</summary>
[CatgaEvent, CatgaMessageName("warehouse.packed"), MemoryPackable]
public partial record OrderPacked(string OrderId, int Quantity, List<string> Tags) : IEvent;

/// <summary>What the shipper handled.</summary>
public sealed class Received
{
    public Channel<OrderPacked> Messages { get; } = Channel.CreateUnbounded<OrderPacked>();
}

/// <summary>The shipper's handler.</summary>
public sealed class PackedHandler(Received received) : IEventHandler<OrderPacked>
{
    public ValueTask HandleAsync(OrderPacked @event, CancellationToken cancellationToken) => received.Messages.Writer.WriteAsync(@event, cancellationToken);
}
