using Catga.Transport.Conformance;

namespace Catga.Transport.Nats.Tests;

/// <summary>The conformance suite over core NATS: at-most-once, queue groups, nothing stored.</summary>
public sealed class NatsCoreConformanceTests(NatsServerFixture fixture) : TransportConformance, IClassFixture<NatsServerFixture>
{
    protected override async ValueTask<IMessageTransport> ConnectAsync()
    {
        var transport = await fixture.TransportAsync(new NatsTransportOptions { DefaultDeliveryMode = NatsDeliveryMode.Core, SubjectPrefix = "core." });
        Assert.Equal(TransportCapabilities.None, transport.Capabilities);
        return transport;
    }
}
