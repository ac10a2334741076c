using System.Buffers;
using System.Threading.Channels;
using Catga;
using Catga.Distributed;
using Catga.Serialization;
using Catga.Serialization.MemoryPack;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Warehouse;

public sealed class Received
{
    public Channel<OrderPacked> Messages { get; } = Channel.CreateUnbounded<OrderPacked>();
}

public sealed class PackedHandler(Received received) : IEventHandler<OrderPacked>
{
    public ValueTask HandleAsync(OrderPacked @event, CancellationToken cancellationToken) => received.Messages.Writer.WriteAsync(@event, cancellationToken);
}

public sealed class MemoryPackSerializerTests
{
    private static readonly MessageTypeRegistry s_registry = Catga.Generated.CatgaMessageTypes.Registry;

    [Fact]
    public void A_message_round_trips_its_own_members_through_MemoryPack()
    {
        var sent = new OrderPacked("o-1", 3, ["fragile", "cold"]);
        var type = s_registry.GetByName("warehouse.packed");
        var buffer = new ArrayBufferWriter<byte>();

        MemoryPackMessageSerializer.Instance.Serialize(type, sent, buffer);
        var read = Assert.IsType<OrderPacked>(MemoryPackMessageSerializer.Instance.Deserialize(type, new ReadOnlySequence<byte>(buffer.WrittenMemory)));

        Assert.Equal("application/x-memorypack", MemoryPackMessageSerializer.Instance.ContentType);
        Assert.Equal(sent.OrderId, read.OrderId);
        Assert.Equal(sent.Quantity, read.Quantity);
        Assert.Equal(sent.Tags, read.Tags);
        // MemoryPack does not see the generated envelope members: the body does not carry the message id.
        Assert.NotEqual(sent.MessageId, read.MessageId);
    }

    [Fact]
    public async Task Over_a_transport_the_envelope_ids_travel_as_headers_and_reach_the_handler()
    {
        var broker = new InMemoryBroker();
        await using var sender = Service(broker, o => o.Publish<OrderPacked>());
        await using var receiver = Service(broker, o => o.Consume<OrderPacked>());
        var hosted = sender.GetServices<IHostedService>().Concat(receiver.GetServices<IHostedService>()).ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var sent = new OrderPacked("o-2", 5, ["bulk"]) { CorrelationId = MessageId.NewId(), CausationId = MessageId.NewId() };
        await sender.GetRequiredService<ICatgaMediator>().PublishAsync(sent);
        var handled = await receiver.GetRequiredService<Received>().Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(sent.MessageId, handled.MessageId);
        Assert.Equal(sent.CorrelationId, handled.CorrelationId);
        Assert.Equal(sent.CausationId, handled.CausationId);
        Assert.Equal(sent.Tags, handled.Tags);
        Assert.Equal(("o-2", 5), (handled.OrderId, handled.Quantity));
    }

    [Fact]
    public void A_payload_that_is_not_the_type_fails_with_an_error_naming_it()
    {
        var type = s_registry.GetByName("warehouse.packed");

        var error = Assert.Throws<CatgaSerializationException>(() => MemoryPackMessageSerializer.Instance.Deserialize(type, new ReadOnlySequence<byte>(new byte[] { 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F })));

        Assert.Contains("'warehouse.packed'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serializing_an_instance_of_another_type_is_refused()
    {
        var type = s_registry.GetByName("warehouse.packed");

        var error = Assert.Throws<ArgumentException>(() => MemoryPackMessageSerializer.Instance.Serialize(type, new OrderShipped("o-3"), new ArrayBufferWriter<byte>()));

        Assert.Contains("Warehouse.OrderShipped", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Service(InMemoryBroker broker, Action<DistributedMessagingOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new Received());
        services.AddCatga().AddGeneratedHandlers()
            .UseMemoryPackSerializer(s_registry)
            .UseInMemoryTransport(broker)
            .AddDistributedMessaging(o =>
            {
                o.ServiceName = "warehouse-" + Guid.NewGuid().ToString("N");
                o.ConsumeAllDistributed = false;
                configure(o);
            });
        return services.BuildServiceProvider();
    }
}
