namespace Catga.Serialization.Tests;

/// <summary>Truncated, malformed and malicious input ends in a <see cref="CatgaSerializationException"/>, never in
/// another exception, a crash, or an allocation the input does not justify.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Every_truncation_of_a_valid_message_is_rejected_with_a_serialization_exception()
    {
        byte[] bytes = CatgaBinarySerializer.Serialize(RoundTripTests.Full());
        for (int length = 0; length < bytes.Length; length++)
        {
            var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<PlaceOrder>(bytes.AsSpan(0, length)));
            Assert.StartsWith("Invalid data: ", exception.Message);
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] bytes = [.. CatgaBinarySerializer.Serialize(new RenamedEvent("x")), 0];
        var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<RenamedEvent>(bytes));
        Assert.Contains("1 unexpected bytes", exception.Message);
    }

    [Fact]
    public void A_null_message_is_rejected_with_its_name()
    {
        var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<RenamedEvent>(new byte[] { 0 }));
        Assert.Contains("orders.renamed.v1", exception.Message);
    }

    [Fact]
    public void A_huge_declared_collection_length_is_rejected_before_anything_is_allocated()
    {
        // Find the null marker of the Numbers array by serializing with and without it, then replace it with a claim.
        var id = MessageId.NewId();
        byte[] hostile = CatgaBinarySerializer.Serialize(new PlaceOrder { OrderId = "o", MessageId = id });
        byte[] withNumbers = CatgaBinarySerializer.Serialize(new PlaceOrder { OrderId = "o", MessageId = id, Numbers = [7] });
        int at = FirstDifference(hostile, withNumbers);
        byte[] claim = [0x81, 0x80, 0x80, 0x80, 0x08]; // varint 2^31 + 1: a collection of 2^31 elements
        byte[] input = [.. hostile[..at], .. claim, .. hostile[(at + 1)..]];
        FixObjectLength(input, claim.Length - 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<PlaceOrder>(input));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("exceeds", exception.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes for a {input.Length}-byte input");
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected_and_a_higher_limit_accepts_it()
    {
        Node? head = null;
        for (int i = 0; i < 200; i++)
        {
            head = new Node(i, head);
        }

        byte[] bytes = CatgaBinarySerializer.Serialize(new Chain(head));
        var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<Chain>(bytes));
        Assert.Contains("nested more than 64 deep", exception.Message);

        Assert.Equal(head, CatgaBinarySerializer.Deserialize<Chain>(bytes, maxDepth: 256).Head);
    }

    [Theory]
    [InlineData(0x3FFF_FFFF_FFFF_FFFFL)] // ticks beyond DateTime.MaxValue
    [InlineData(unchecked((long)0xC000_0000_0000_0000UL))] // kind bits 11, tick 0
    [InlineData(unchecked((long)0x8000_0000_0000_0000UL | 3_155_378_975_999_999_999L))] // a local time at MaxValue
    public void Out_of_range_dates_are_rejected_or_read_but_never_escape_as_another_exception(long binary)
    {
        byte[] bytes = BitConverter.GetBytes(binary);
        try
        {
            var reader = new CatgaBinaryReader(bytes);
            reader.ReadDateTime();
        }
        catch (CatgaSerializationException exception)
        {
            Assert.Contains("DateTime", exception.Message);
        }
    }

    [Fact]
    public void Invalid_UTF8_in_a_string_is_rejected()
    {
        byte[] bytes = CatgaBinarySerializer.Serialize(new RenamedEvent("abc"));
        int at = Array.LastIndexOf(bytes, (byte)'a');
        bytes[at] = 0xFF;
        var exception = Assert.Throws<CatgaSerializationException>(() => CatgaBinarySerializer.Deserialize<RenamedEvent>(bytes));
        Assert.Contains("UTF-8", exception.Message);
    }

    [Fact]
    public void Random_and_mutated_inputs_never_escape_as_anything_but_a_serialization_exception()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        byte[][] valid =
        [
            CatgaBinarySerializer.Serialize(RoundTripTests.Full()),
            CatgaBinarySerializer.Serialize(new PlaceOrder { OrderId = "short" }),
            CatgaBinarySerializer.Serialize(new Primitives(true, 1, -1, 2, 3, 4, 5, 6, 7, 'c', 1f, 2d, 3m, "t", Guid.NewGuid(), DateTime.UtcNow, DateTimeOffset.Now, TimeSpan.FromDays(1), new DateOnly(2020, 1, 1), new TimeOnly(1, 2), Priority.High, Balance.Overdrawn, Options.Top)),
            CatgaBinarySerializer.Serialize(new Chain(new Node(1, new Node(2, new Node(3, null))))),
            CatgaBinarySerializer.Serialize(new OrderShippedV2("o", [new LineV2("s", 1, 1m)])),
        ];

        int inputs = 0;
        int accepted = 0;
        for (; inputs < 120_000; inputs++)
        {
            byte[] input = inputs % 4 == 0 ? Garbage(random) : Mutate(random, valid[random.Next(valid.Length)]);
            try
            {
                // Read every input as every message type: a mutation of one type's bytes is garbage to another.
                switch (inputs % 5)
                {
                    case 0: CatgaBinarySerializer.Deserialize<PlaceOrder>(input); break;
                    case 1: CatgaBinarySerializer.Deserialize<Primitives>(input); break;
                    case 2: CatgaBinarySerializer.Deserialize<Chain>(input); break;
                    case 3: CatgaBinarySerializer.Deserialize<OrderShippedV2>(input); break;
                    default: CatgaBinarySerializer.Deserialize<OrderShippedV1>(input); break;
                }

                accepted++;
            }
            catch (CatgaSerializationException)
            {
            }
            catch (Exception exception)
            {
                Assert.Fail($"seed {seed}, input {inputs} ({Convert.ToHexString(input)}): {exception}");
            }
        }

        Assert.Equal(120_000, inputs);
        // Mutations that only change a value (a byte inside a number or a string) still decode: the fuzzer reaches
        // the readers' success paths as well as their checks.
        Assert.True(accepted > 0, $"seed {seed}: no input was accepted");
    }

    private static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                for (int i = random.Next(1, 8); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2:
                return bytes[..random.Next(bytes.Length)];
            case 3:
            {
                int at = random.Next(bytes.Length);
                var extra = new byte[random.Next(1, 6)];
                random.NextBytes(extra);
                return [.. bytes[..at], .. extra, .. bytes[at..]];
            }

            default:
            {
                // A run of 0xFF: huge varints and lengths.
                int at = random.Next(bytes.Length);
                for (int i = at; i < Math.Min(bytes.Length, at + random.Next(1, 10)); i++)
                {
                    bytes[i] = 0xFF;
                }

                return bytes;
            }
        }
    }

    /// <summary>The first differing byte after the outermost object's header and length, which differ with any edit.</summary>
    private static int FirstDifference(byte[] a, byte[] b)
    {
        int i = 5;
        while (a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    /// <summary>Adds <paramref name="delta"/> to the outermost object's body length (bytes 1-4), after an edit.</summary>
    private static void FixObjectLength(byte[] bytes, int delta)
    {
        int length = BitConverter.ToInt32(bytes, 1) + delta;
        BitConverter.GetBytes(length).CopyTo(bytes, 1);
    }
}
