namespace Catga.Serialization.Tests;

/// <summary>Old and new versions of a message read each other's bytes: members are appended, never reordered.</summary>
public sealed class CompatibilityTests
{
    [Fact]
    public void A_newer_reader_reads_older_data_and_gives_appended_members_their_defaults()
    {
        var old = new OrderShippedV1("o-1", [new LineV1("sku-1", 2), new LineV1("sku-2", 5)]) { CorrelationId = MessageId.NewId() };
        byte[] bytes = CatgaBinarySerializer.Serialize(old);

        var read = CatgaBinarySerializer.Deserialize<OrderShippedV2>(bytes);

        Assert.Equal(old.MessageId, read.MessageId);
        Assert.Equal(old.CorrelationId, read.CorrelationId);
        Assert.Equal("o-1", read.OrderId);
        Assert.Equal([new LineV2("sku-1", 2, 0m), new LineV2("sku-2", 5, 0m)], read.Lines);
        // A constructor parameter's default value is used for a member the data does not contain.
        Assert.Equal("post", read.Carrier);
        Assert.Equal(1, read.Attempts);
    }

    [Fact]
    public void An_older_reader_reads_newer_data_and_skips_members_it_does_not_know()
    {
        var newer = new OrderShippedV2("o-2", [new LineV2("sku-9", 1, 2.5m)], "courier", 3);
        byte[] bytes = CatgaBinarySerializer.Serialize(newer);

        var read = CatgaBinarySerializer.Deserialize<OrderShippedV1>(bytes);

        Assert.Equal(newer.MessageId, read.MessageId);
        Assert.Equal("o-2", read.OrderId);
        Assert.Equal([new LineV1("sku-9", 1)], read.Lines);
    }

    [Fact]
    public void Data_passed_through_an_older_version_keeps_the_members_both_versions_know()
    {
        var original = new OrderShippedV2("o-3", [new LineV2("a", 1, 1m)], "van", 2);
        var throughOld = CatgaBinarySerializer.Deserialize<OrderShippedV1>(CatgaBinarySerializer.Serialize(original));
        var back = CatgaBinarySerializer.Deserialize<OrderShippedV2>(CatgaBinarySerializer.Serialize(throughOld));

        Assert.Equal(original.OrderId, back.OrderId);
        Assert.Equal(original.MessageId, back.MessageId);
        Assert.Equal("post", back.Carrier);
    }
}
