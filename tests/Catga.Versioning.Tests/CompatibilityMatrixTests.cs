using System.Buffers;
using Catga;
using Catga.Serialization;

namespace Shop;

/// <summary>
/// For each change the wire contract allows (Shop.V1 is the previous release, Shop the current one): the old writer's
/// bytes read by the new reader, and the new writer's bytes read by the old reader, through the binary serializer each
/// side's generated registry selects by wire name, as a transport consumer does; and the same for a request's result
/// (the reply format). Saga states are not here: a saga in this project would make AddGeneratedHandlers() build the
/// project's combined registry, which holds both releases' wire names (see RollingDeployTests).
/// </summary>
public sealed class CompatibilityMatrixTests
{
    private static readonly MessageTypeRegistry s_old = new(Catga.Generated.Catga_Versioning_Messages_V1MessageTypes.Types);
    private static readonly MessageTypeRegistry s_new = new(Catga.Generated.Catga_Versioning_TestsMessageTypes.Types);

    [Fact]
    public void Appended_member_old_writer_new_reader_gets_the_declared_default()
    {
        var sent = new V1.OrderPlaced("o-1", 3) { CorrelationId = MessageId.NewId() };

        var read = Assert.IsType<OrderPlaced>(Transfer(sent, "shop.order-placed", s_old, s_new));

        Assert.Equal(new OrderPlaced("o-1", 3, "none") { MessageId = sent.MessageId, CorrelationId = sent.CorrelationId }, read);
    }

    [Fact]
    public void Appended_member_new_writer_old_reader_skips_it()
    {
        var sent = new OrderPlaced("o-2", 4, "SPRING");

        var read = Assert.IsType<V1.OrderPlaced>(Transfer(sent, "shop.order-placed", s_new, s_old));

        Assert.Equal(new V1.OrderPlaced("o-2", 4) { MessageId = sent.MessageId }, read);
    }

    [Fact]
    public void Appended_member_of_a_nested_type_old_writer_new_reader_gets_defaults_in_every_element()
    {
        var sent = new V1.CartUpdated("c-1", [new V1.Line("a", 1), new V1.Line("b", 2)]);

        var read = Assert.IsType<CartUpdated>(Transfer(sent, "shop.cart-updated", s_old, s_new));

        Assert.Equal(sent.MessageId, read.MessageId);
        Assert.Equal([new Line("a", 1, 0m), new Line("b", 2, 0m)], read.Lines);
    }

    [Fact]
    public void Appended_member_of_a_nested_type_new_writer_old_reader_skips_it_in_every_element()
    {
        var sent = new CartUpdated("c-2", [new Line("a", 1, 9.5m), new Line("b", 2, 1.25m)]);

        var read = Assert.IsType<V1.CartUpdated>(Transfer(sent, "shop.cart-updated", s_new, s_old));

        Assert.Equal("c-2", read.CartId);
        Assert.Equal([new V1.Line("a", 1), new V1.Line("b", 2)], read.Lines);
    }

    [Fact]
    public void List_to_array_old_writer_new_reader_keeps_every_element()
    {
        var sent = new V1.TagsSet("i-1", ["red", "large"]);

        var read = Assert.IsType<TagsSet>(Transfer(sent, "shop.tags-set", s_old, s_new));

        Assert.Equal(["red", "large"], read.Tags);
    }

    [Fact]
    public void List_to_array_new_writer_old_reader_keeps_every_element()
    {
        var sent = new TagsSet("i-2", ["blue"]);

        var read = Assert.IsType<V1.TagsSet>(Transfer(sent, "shop.tags-set", s_new, s_old));

        Assert.Equal(["blue"], read.Tags);
    }

    [Fact]
    public void Renamed_enum_old_writer_new_reader_keeps_the_value()
    {
        var sent = new V1.TicketOpened("t-1", V1.Priority.High);

        var read = Assert.IsType<TicketOpened>(Transfer(sent, "shop.ticket-opened", s_old, s_new));

        Assert.Equal(Urgency.High, read.Priority);
    }

    [Fact]
    public void Renamed_enum_new_writer_old_reader_keeps_the_value()
    {
        var sent = new TicketOpened("t-2", Urgency.High);

        var read = Assert.IsType<V1.TicketOpened>(Transfer(sent, "shop.ticket-opened", s_new, s_old));

        Assert.Equal(V1.Priority.High, read.Priority);
    }

    /// <summary>Writes with the writer's registry entry for <paramref name="wireName"/>, reads with the reader's.</summary>
    [Fact]
    public void Result_type_appended_member_old_replier_new_requester_gets_the_declared_default()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RequestTypeInfo<V1.GetCart, V1.CartView>.WriteResult(CatgaResult<V1.CartView>.Success(new V1.CartView("c-1", 2)), buffer);

        var read = RequestTypeInfo<GetCart, CartView>.ReadResult(buffer.WrittenSpan);

        Assert.True(read.IsSuccess);
        Assert.Equal(new CartView("c-1", 2, 0m), read.Value);
    }

    [Fact]
    public void Result_type_appended_member_new_replier_old_requester_skips_it()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RequestTypeInfo<GetCart, CartView>.WriteResult(CatgaResult<CartView>.Success(new CartView("c-2", 3, 19.9m)), buffer);

        var read = RequestTypeInfo<V1.GetCart, V1.CartView>.ReadResult(buffer.WrittenSpan);

        Assert.Equal(new V1.CartView("c-2", 3), read.Value);
    }

    private static object Transfer(object message, string wireName, MessageTypeRegistry writer, MessageTypeRegistry reader)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writtenAs = writer.GetByName(wireName);
        Assert.Same(message.GetType(), writtenAs.Type);
        BinaryMessageSerializer.Instance.Serialize(writtenAs, message, buffer);
        return BinaryMessageSerializer.Instance.Deserialize(reader.GetByName(wireName), new ReadOnlySequence<byte>(buffer.WrittenMemory));
    }
}
