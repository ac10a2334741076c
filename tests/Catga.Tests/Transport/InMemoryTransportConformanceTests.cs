using Catga.Transport;
using Catga.Transport.Conformance;
using Catga.Transport.InMemory;

namespace Catga.Tests.Transport;

public sealed class InMemoryTransportConformanceTests : TransportConformance
{
    private readonly InMemoryBroker _broker = new();

    protected override ValueTask<IMessageTransport> ConnectAsync() => new(new InMemoryTransport(_broker));
}
