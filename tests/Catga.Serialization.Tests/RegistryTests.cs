using System.Buffers;
using Catga.Generated;

namespace Catga.Serialization.Tests;

public sealed class RegistryTests
{
    [Fact]
    public void Message_types_are_named_by_namespace_and_type_unless_an_attribute_names_them()
    {
        Assert.Equal("Catga.Serialization.Tests.PlaceOrder", PlaceOrder.MessageTypeName);
        Assert.Equal("orders.renamed.v1", RenamedEvent.MessageTypeName);

        var registry = CatgaMessageTypes.Registry;
        Assert.Same(registry.GetByName("orders.renamed.v1"), registry.Types.Single(t => t.Type == typeof(RenamedEvent)));
        Assert.Equal(typeof(PlaceOrder), registry.GetByName("Catga.Serialization.Tests.PlaceOrder").Type);
        Assert.False(registry.TryGetByName("Catga.Serialization.Tests.RenamedEvent", out _));
        Assert.True(registry.TryGetByType(typeof(Chain), out var chain));
        Assert.Equal("Catga.Serialization.Tests.Chain", chain.Name);
    }

    [Fact]
    public void The_registry_lists_every_message_type_of_the_assembly_once()
    {
        Assert.Equal(
            ["Catga.Serialization.Tests.Chain", "Catga.Serialization.Tests.PlaceOrder", "Catga.Serialization.Tests.Primitives", "orders.renamed.v1", "tests.order-shipped.v1", "tests.order-shipped.v2"],
            CatgaMessageTypes.Registry.Types.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_message_that_arrives_with_only_its_name_is_read_through_the_registry()
    {
        var sent = new RenamedEvent("r-1") { CausationId = MessageId.NewId() };
        var output = new ArrayBufferWriter<byte>();
        var type = CatgaMessageTypes.Registry.GetByName(RenamedEvent.MessageTypeName);
        BinaryMessageSerializer.Instance.Serialize(type, sent, output);

        string name = RenamedEvent.MessageTypeName;
        var received = BinaryMessageSerializer.Instance.Deserialize(CatgaMessageTypes.Registry.GetByName(name), new ReadOnlySequence<byte>(output.WrittenMemory));

        Assert.Equal(sent, received);
    }

    [Fact]
    public void Serializing_a_message_as_another_type_is_rejected_with_both_names()
    {
        var type = CatgaMessageTypes.Registry.GetByName(RenamedEvent.MessageTypeName);
        var exception = Assert.Throws<ArgumentException>(() => type.WriteBinary(new Chain(null), new ArrayBufferWriter<byte>()));
        Assert.Contains("RenamedEvent", exception.Message);
        Assert.Contains("Chain", exception.Message);
    }

    [Fact]
    public void An_unknown_name_fails_with_a_message_that_quotes_it()
    {
        var exception = Assert.Throws<KeyNotFoundException>(() => CatgaMessageTypes.Registry.GetByName("orders.unknown"));
        Assert.Contains("'orders.unknown'", exception.Message);
    }

    [Fact]
    public void Two_types_with_one_name_from_different_assemblies_fail_when_the_registry_is_built()
    {
        var clash = new NamedAs("orders.renamed.v1", typeof(Chain));
        var exception = Assert.Throws<InvalidOperationException>(() => new MessageTypeRegistry([.. CatgaMessageTypes.Registry.Types, clash]));
        Assert.Contains(typeof(RenamedEvent).FullName!, exception.Message);
        Assert.Contains(typeof(Chain).FullName!, exception.Message);
        Assert.Contains("'orders.renamed.v1'", exception.Message);
    }

    [Fact]
    public void The_same_type_listed_twice_is_registered_once()
    {
        var registry = new MessageTypeRegistry([.. CatgaMessageTypes.Registry.Types, .. CatgaMessageTypes.Registry.Types]);
        Assert.Equal(CatgaMessageTypes.Registry.Types.Count, registry.Types.Count);
    }

    /// <summary>Stands in for a type from another assembly that claims a name already taken.</summary>
    private sealed class NamedAs(string name, Type type) : MessageTypeInfo(name, type)
    {
        public override void WriteBinary(object message, IBufferWriter<byte> output) => throw new NotSupportedException();

        public override object ReadBinary(ReadOnlySpan<byte> data) => throw new NotSupportedException();

        public override object ReadBinary(in ReadOnlySequence<byte> data) => throw new NotSupportedException();
    }
}
