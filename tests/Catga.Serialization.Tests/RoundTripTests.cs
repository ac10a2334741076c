using System.Buffers;
using System.Collections.Immutable;

namespace Catga.Serialization.Tests;

public sealed class RoundTripTests
{
    public static TheoryData<Primitives> PrimitiveCases => new()
    {
        new Primitives(false, 0, 0, 0, 0, 0, 0, 0, 0, '\0', 0, 0, 0m, null, Guid.Empty, default, default, default, default, default, default, default, default),
        new Primitives(
            true, byte.MaxValue, sbyte.MinValue, short.MinValue, ushort.MaxValue, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue,
            '\uFFFF', float.NaN, double.NegativeInfinity, decimal.MinValue, "", Guid.NewGuid(),
            DateTime.MaxValue, DateTimeOffset.MaxValue, TimeSpan.MinValue, DateOnly.MaxValue, TimeOnly.MaxValue,
            Priority.High, Balance.Overdrawn, Options.Top),
        new Primitives(
            true, 7, -7, short.MaxValue, 1, int.MaxValue, 300, long.MaxValue, 1UL << 40, 'ß', 3.25f, Math.PI, 1234567.890123m,
            "héllo wörld – 你好 🎉 " + new string('x', 200), Guid.NewGuid(),
            new DateTime(2026, 11, 22, 8, 30, 15, 123, DateTimeKind.Utc), new DateTimeOffset(2026, 11, 22, 8, 30, 15, TimeSpan.FromHours(-9.5)),
            TimeSpan.FromMilliseconds(-1234.5), new DateOnly(1999, 12, 31), new TimeOnly(23, 59, 59, 999), Priority.Low, Balance.Even, Options.None),
    };

    [Theory]
    [MemberData(nameof(PrimitiveCases))]
    public void Every_primitive_round_trips(Primitives message)
    {
        message = message with { CorrelationId = MessageId.NewId() };
        var copy = RoundTrip(message);

        Assert.Equal(message, copy);
        Assert.Equal(message.MessageId, copy.MessageId);
        Assert.Equal(message.CorrelationId, copy.CorrelationId);
        Assert.Null(copy.CausationId);
        Assert.Equal(message.DateTime.Kind, copy.DateTime.Kind);
        Assert.Equal(message.DateTimeOffset.Offset, copy.DateTimeOffset.Offset);
    }

    [Fact]
    public void Local_DateTime_keeps_its_kind()
    {
        var now = DateTime.Now;
        var zero = new Primitives(false, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0, 0, 0m, null, Guid.Empty, default, default, default, default, default, default, default, default);
        var copy = RoundTrip(zero with { DateTime = now });
        Assert.Equal(DateTimeKind.Local, copy.DateTime.Kind);
        Assert.Equal(now, copy.DateTime);
    }

    [Fact]
    public void Collections_nested_types_nullables_and_init_only_members_round_trip()
    {
        var message = Full();
        var copy = RoundTrip(message);

        Assert.Equal(message.OrderId, copy.OrderId);
        Assert.Equal(message.Quantity, copy.Quantity);
        Assert.Equal(message.Priority, copy.Priority);
        Assert.Equal(message.Location, copy.Location);
        Assert.Equal(message.Origin, copy.Origin);
        Assert.Equal(message.Price, copy.Price);
        Assert.Equal(message.Customer!.Name, copy.Customer!.Name);
        Assert.Equal(message.Customer.Home, copy.Customer.Home);
        Assert.Equal(message.Customer.Other!, copy.Customer.Other!);
        Assert.Equal(message.Numbers, copy.Numbers);
        Assert.Equal(message.Blob, copy.Blob);
        Assert.Equal(message.Jagged, copy.Jagged);
        Assert.Equal(message.Tags, copy.Tags);
        Assert.Equal(message.Ids, copy.Ids);
        Assert.Equal(message.Addresses, copy.Addresses);
        Assert.Equal(message.Ledger!.Keys, copy.Ledger!.Keys);
        Assert.Equal(message.Ledger[1], copy.Ledger[1]);
        Assert.Equal(message.Ledger[2], copy.Ledger[2]);
        Assert.Equal(message.Immutable.ToArray(), copy.Immutable.ToArray());
        Assert.Equal(message.ReadOnlyList, copy.ReadOnlyList);
        Assert.Equal(message.ReadOnlyMap, copy.ReadOnlyMap);
        Assert.Equal(message.Sparse, copy.Sparse);
        Assert.Equal(message.MessageId, copy.MessageId);
        Assert.Equal("o-1!", copy.Computed);
    }

    [Fact]
    public void Null_and_empty_collections_stay_distinct()
    {
        var empty = new PlaceOrder
        {
            OrderId = "o",
            Numbers = [],
            Tags = [],
            Addresses = [],
            Immutable = [],
            Blob = [],
        };
        var copy = RoundTrip(empty);
        Assert.Empty(copy.Numbers!);
        Assert.Empty(copy.Tags!);
        Assert.Empty(copy.Addresses!);
        Assert.False(copy.Immutable.IsDefault);
        Assert.Empty(copy.Immutable);
        Assert.Empty(copy.Blob!);

        var nulls = RoundTrip(new PlaceOrder { OrderId = "o" });
        Assert.Null(nulls.Numbers);
        Assert.Null(nulls.Tags);
        Assert.Null(nulls.Addresses);
        Assert.True(nulls.Immutable.IsDefault);
        Assert.Null(nulls.Blob);
        Assert.Null(nulls.Customer);
        Assert.Null(nulls.Quantity);
        Assert.Null(nulls.Location);
    }

    [Fact]
    public void Reading_from_a_sequence_split_into_many_segments_gives_the_same_message()
    {
        var message = Full();
        byte[] bytes = CatgaBinarySerializer.Serialize(message);
        var sequence = Segments.Split(bytes, 7);
        Assert.False(sequence.IsSingleSegment);

        var copy = CatgaBinarySerializer.Deserialize<PlaceOrder>(sequence);
        Assert.Equal(bytes, CatgaBinarySerializer.Serialize(copy));
    }

    [Fact]
    public void Serializing_to_a_buffer_writer_appends_the_same_bytes()
    {
        var message = Full();
        var output = new ArrayBufferWriter<byte>();
        output.Write(new byte[] { 0xFF });
        CatgaBinarySerializer.Serialize(message, output);

        Assert.Equal(CatgaBinarySerializer.Serialize(message), output.WrittenSpan[1..].ToArray());
    }

    [Fact]
    public void A_large_message_grows_the_buffer_and_round_trips()
    {
        var message = new PlaceOrder
        {
            OrderId = new string('o', 100_000),
            Numbers = Enumerable.Range(-50_000, 100_000).ToArray(),
            Tags = Enumerable.Range(0, 5_000).Select(i => i % 7 == 0 ? null : "tag-" + i).ToList(),
        };
        var copy = RoundTrip(message);
        Assert.Equal(message.OrderId, copy.OrderId);
        Assert.Equal(message.Numbers, copy.Numbers);
        Assert.Equal(message.Tags, copy.Tags);
    }

    [Fact]
    public void A_self_referencing_type_round_trips_below_the_depth_limit()
    {
        Node? head = null;
        for (int i = 0; i < 50; i++)
        {
            head = new Node(i, head);
        }

        var copy = RoundTrip(new Chain(head));
        Assert.Equal(head, copy.Head);
    }

    [Fact]
    public void Small_messages_are_compact()
    {
        // MessageId (16) + two absent ids (2) + header (1 + 4) + "o-1" (4) + quantity (1 + 1) + ...: well under 100 bytes.
        var bytes = CatgaBinarySerializer.Serialize(new PlaceOrder { OrderId = "o-1", Quantity = 5 });
        Assert.InRange(bytes.Length, 20, 100);
    }

    internal static T RoundTrip<T>(T message)
        where T : ISerializableMessage<T>
    {
        byte[] bytes = CatgaBinarySerializer.Serialize(message);
        var fromSpan = CatgaBinarySerializer.Deserialize<T>(bytes);
        var fromSequence = CatgaBinarySerializer.Deserialize<T>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(bytes, CatgaBinarySerializer.Serialize(fromSequence));
        return fromSpan;
    }

    internal static PlaceOrder Full() => new()
    {
        OrderId = "o-1",
        Quantity = 3,
        Priority = Tests.Priority.High,
        Location = new Point { X = -1, Y = 2 },
        Origin = new Point { X = 5, Y = -6 },
        Price = new Money(19.99m, "EUR"),
        Customer = new Customer
        {
            Name = "Ada",
            Home = new Address("1 Main St", "Springfield", "12345"),
            Other = [new Address("2 Side St", "Shelbyville"), new Address("3 Elm St", "Ogdenville", "999")],
        },
        Numbers = [1, -1, int.MaxValue, int.MinValue, 0],
        Blob = [0, 1, 2, 254, 255],
        Jagged = [[1, 2], [], [3]],
        Tags = ["a", null, "ç"],
        Ids = [Guid.NewGuid(), Guid.NewGuid()],
        Addresses = new() { ["home"] = new Address("1 Main St", "Springfield"), ["work"] = new Address("9 Office Rd", "Capital City") },
        Ledger = new() { [1] = [new Money(1m, "EUR")], [2] = [] },
        Immutable = ["x", "y"],
        ReadOnlyList = [new Address("4 Oak St", "Brockway")],
        ReadOnlyMap = new Dictionary<string, int> { ["a"] = 1, ["b"] = -2 },
        Sparse = [1, null, 3],
    };
}
