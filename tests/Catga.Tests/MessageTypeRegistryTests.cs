using Catga.Generated;
using Catga.Serialization;
using Catga.Tests.Fixtures;
using Catga.Tests.Library;

namespace Catga.Tests;

public sealed class MessageTypeRegistryTests
{
    [Fact]
    public void The_registry_includes_the_message_types_of_referenced_assemblies()
    {
        var registry = CatgaMessageTypes.Registry;

        Assert.Equal(typeof(ReserveStock), registry.GetByName("Catga.Tests.Library.ReserveStock").Type);
        Assert.Equal(typeof(StockReserved), registry.GetByName(StockReserved.MessageTypeName).Type);
        Assert.Equal(typeof(Add), registry.GetByName("Catga.Tests.Fixtures.Add").Type);
        Assert.Equal(typeof(Container.InnerCommand), registry.GetByName("Catga.Tests.Fixtures.Container.InnerCommand").Type);
    }

    [Fact]
    public void A_message_from_a_referenced_assembly_round_trips_by_name()
    {
        var sent = new ReserveStock("sku-1", 3);
        var type = CatgaMessageTypes.Registry.GetByName(ReserveStock.MessageTypeName);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        type.WriteBinary(sent, output);

        Assert.Equal(sent, type.ReadBinary(output.WrittenSpan));
    }
}
