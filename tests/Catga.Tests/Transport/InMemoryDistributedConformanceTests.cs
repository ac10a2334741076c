using Catga.Distributed;
using Catga.Transport.Conformance.Distributed;
using Catga.Transport.InMemory;

namespace Catga.Tests.Transport;

public sealed class InMemoryDistributedConformanceTests : DistributedConformance
{
    private readonly InMemoryBroker _broker = new();

    protected override ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        builder.UseInMemoryTransport(_broker);
        return ValueTask.CompletedTask;
    }
}
