using Catga.Transport.Conformance;

namespace Catga.Transport.Nats.Tests;

/// <summary>The conformance suite over JetStream (the default mode): at-least-once, durable groups, server-side
/// delayed redelivery, deduplication and order per destination.</summary>
public sealed class NatsJetStreamConformanceTests(NatsServerFixture fixture) : TransportConformance, IClassFixture<NatsServerFixture>
{
    protected override async ValueTask<IMessageTransport> ConnectAsync()
    {
        var transport = await fixture.TransportAsync();
        Assert.Equal(
            TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery | TransportCapabilities.Deduplication | TransportCapabilities.OrderedPerDestination,
            transport.GetCapabilities("Shop.Orders.PlaceOrder"));
        return transport;
    }
}

/// <summary>The conformance suite over JetStream on a 3-node cluster, the stream kept with 3 replicas.</summary>
public sealed class NatsClusterJetStreamConformanceTests(NatsClusterFixture fixture) : TransportConformance, IClassFixture<NatsClusterFixture>
{
    protected override async ValueTask<IMessageTransport> ConnectAsync() => await fixture.TransportAsync();
}
