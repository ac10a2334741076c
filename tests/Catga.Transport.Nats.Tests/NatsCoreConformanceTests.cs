using Catga.Transport.Conformance;

namespace Catga.Transport.Nats.Tests;

/// <summary>The conformance suite over core NATS: at-most-once, queue groups, nothing stored.</summary>
public sealed class NatsCoreConformanceTests(NatsServerFixture fixture) : TransportConformance, IClassFixture<NatsServerFixture>
{
    protected override async ValueTask<IMessageTransport> ConnectAsync()
    {
        var transport = await fixture.TransportAsync(new NatsTransportOptions { DefaultDeliveryMode = NatsDeliveryMode.Core, SubjectPrefix = "core." });
        Assert.Equal(TransportCapabilities.None, transport.GetCapabilities("Shop.Orders.PlaceOrder"));
        return transport;
    }
}

/// <summary>The conformance suite over core NATS on a 3-node cluster: publisher and consumer may sit on different nodes.</summary>
public sealed class NatsClusterCoreConformanceTests(NatsClusterFixture fixture) : TransportConformance, IClassFixture<NatsClusterFixture>
{
    protected override async ValueTask<IMessageTransport> ConnectAsync()
        => await fixture.TransportAsync(new NatsTransportOptions { DefaultDeliveryMode = NatsDeliveryMode.Core, SubjectPrefix = "core." }, firstNodeOnly: true);
}
