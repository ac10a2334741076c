using System.Buffers;
using System.Text;
using Catga.Generated;

namespace Catga.Serialization.Tests;

public sealed class JsonTests
{
    private static readonly MessageTypeRegistry s_served = new(
    [
        CatgaMessageTypes.Registry.GetByName(RenamedEvent.MessageTypeName),
        CatgaMessageTypes.Registry.GetByName(OrderShippedV2.MessageTypeName),
        CatgaMessageTypes.Registry.GetByName(Chain.MessageTypeName),
    ]);

    [Fact]
    public void Messages_round_trip_through_the_source_generated_context()
    {
        var serializer = new JsonMessageSerializer(TestJsonContext.Default, s_served);
        var sent = new OrderShippedV2("o-1", [new LineV2("sku", 2, 1.5m)], "van") { CorrelationId = MessageId.NewId() };
        var type = s_served.GetByName(OrderShippedV2.MessageTypeName);
        var output = new ArrayBufferWriter<byte>();
        serializer.Serialize(type, sent, output);

        string json = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.StartsWith("{\"OrderId\":\"o-1\"", json);
        Assert.Equal("application/json", serializer.ContentType);

        // The System.Text.Json generator cannot see the envelope members Catga generates (MessageId, CorrelationId,
        // CausationId), so JSON carries the declared members only; transports send the ids as headers.
        var received = (OrderShippedV2)serializer.Deserialize(type, new ReadOnlySequence<byte>(output.WrittenMemory));
        Assert.Equal(sent.OrderId, received.OrderId);
        Assert.Equal(sent.Lines, received.Lines);
        Assert.Equal("van", received.Carrier);
    }

    [Fact]
    public void A_context_without_type_info_for_a_message_fails_at_startup_naming_the_message()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new JsonMessageSerializer(TestJsonContext.Default, CatgaMessageTypes.Registry));

        Assert.Contains(typeof(PlaceOrder).FullName!, exception.Message);
        Assert.Contains(typeof(Primitives).FullName!, exception.Message);
        Assert.Contains("'tests.order-shipped.v1'", exception.Message);
        Assert.DoesNotContain(typeof(RenamedEvent).FullName!, exception.Message);
        Assert.Contains("[JsonSerializable(typeof(...))]", exception.Message);
        Assert.Contains(nameof(TestJsonContext), exception.Message);
    }

    [Fact]
    public void Malformed_json_is_a_serialization_exception_naming_the_message_type()
    {
        var serializer = new JsonMessageSerializer(TestJsonContext.Default, s_served);
        var type = s_served.GetByName(RenamedEvent.MessageTypeName);
        var exception = Assert.Throws<CatgaSerializationException>(() => serializer.Deserialize(type, new ReadOnlySequence<byte>("{\"Id\":"u8.ToArray())));
        Assert.Contains("'orders.renamed.v1'", exception.Message);
    }

    [Fact]
    public void A_declared_message_id_is_written_as_its_uuid_string_and_read_back()
    {
        var receipt = new Receipt(MessageId.NewId(), "ok");
        string json = System.Text.Json.JsonSerializer.Serialize(receipt, TestJsonContext.Default.Receipt);

        Assert.Equal($"{{\"About\":\"{receipt.About}\",\"Note\":\"ok\"}}", json);
        Assert.Equal(receipt, System.Text.Json.JsonSerializer.Deserialize(json, TestJsonContext.Default.Receipt));
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize("{\"About\":42}", TestJsonContext.Default.Receipt));
    }
}
