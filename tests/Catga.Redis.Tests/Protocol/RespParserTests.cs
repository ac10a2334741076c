using System.Buffers;
using System.Text;
using Catga.Redis.Protocol;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests.Protocol;

public sealed class RespParserTests
{
    /// <summary>Every RESP2 and RESP3 reply type, with the rendering its parse must produce.</summary>
    public static TheoryData<string, string> Frames => new()
    {
        { "+OK\r\n", "SimpleString:OK" },
        { "-ERR bad thing\r\n", "Error:ERR bad thing" },
        { ":-42\r\n", "Integer:-42" },
        { ":9223372036854775807\r\n", "Integer:9223372036854775807" },
        { "$5\r\nhello\r\n", "BulkString:hello" },
        { "$0\r\n\r\n", "BulkString:" },
        { "$4\r\na\r\nb\r\n", "BulkString:a\r\nb" },
        { "$-1\r\n", "Null:(null)" },
        { "*-1\r\n", "Null:(null)" },
        { "*0\r\n", "Array:[]" },
        { "*3\r\n:1\r\n$3\r\nfoo\r\n*1\r\n+x\r\n", "Array:[Integer:1,BulkString:foo,Array:[SimpleString:x,],]" },
        { "_\r\n", "Null:(null)" },
        { ",3.25\r\n", "Double:3.25" },
        { ",-1.5e3\r\n", "Double:-1500" },
        { ",inf\r\n", "Double:Infinity" },
        { ",-inf\r\n", "Double:-Infinity" },
        { ",nan\r\n", "Double:NaN" },
        { "#t\r\n", "Boolean:true" },
        { "#f\r\n", "Boolean:false" },
        { "(3492890328409238509324850943850943825024385\r\n", "BigNumber:3492890328409238509324850943850943825024385" },
        { "(-12\r\n", "BigNumber:-12" },
        { "!21\r\nSYNTAX invalid syntax\r\n", "Error:SYNTAX invalid syntax" },
        { "=15\r\ntxt:Some string\r\n", "VerbatimString:Some string" },
        { "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n", "Map:[SimpleString:first,Integer:1,SimpleString:second,Integer:2,]" },
        { "~3\r\n+a\r\n:2\r\n#t\r\n", "Set:[SimpleString:a,Integer:2,Boolean:true,]" },
        {
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
            "attrs[SimpleString:key-popularity,Map:[BulkString:a,Double:0.1923,BulkString:b,Double:0.0012,],]Array:[Integer:2039123,Integer:9543892,]"
        },
        { ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", "Push:[BulkString:message,BulkString:ch,BulkString:hello,]" },
        { "*2\r\n%1\r\n+k\r\n~1\r\n_\r\n>1\r\n(1\r\n", "Array:[Map:[SimpleString:k,Set:[Null:(null),],],Push:[BigNumber:1,],]" },
    };

    [Theory(Timeout = TestLimits.Timeout)]
    [MemberData(nameof(Frames))]
    public async Task Parses_every_reply_type_whole_and_split_at_every_byte_position(string frame, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(frame);
        Assert.Equal(expected, ParseOne(new ReadOnlySequence<byte>(bytes)));

        for (int cut = 1; cut < bytes.Length; cut++)
        {
            // A prefix is incomplete: nothing is consumed, the reader waits for more bytes.
            var prefix = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.False(RespParser.TryParse(ref prefix, RedisProtocolLimits.Default, out _), $"prefix of {cut} bytes parsed");
            Assert.Equal(cut, prefix.Length);

            // The whole frame delivered in two segments parses exactly like the contiguous one.
            Assert.Equal(expected, ParseOne(Segments.Split(bytes, cut)));
        }

        // And delivered one byte per segment.
        Assert.Equal(expected, ParseOne(Segments.Chunks(bytes, 1)));
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Parses_consecutive_replies_from_one_buffer_and_leaves_a_partial_one()
    {
        ReadOnlySequence<byte> buffer = Segments.Split(Encoding.UTF8.GetBytes("+OK\r\n:7\r\n$3\r\nab"), 6);
        Assert.True(RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out RedisReply first));
        Assert.True(RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out RedisReply second));
        Assert.False(RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out _));
        Assert.Equal("OK", first.ToString());
        Assert.Equal(7, second.AsInt64());
        Assert.Equal("$3\r\nab", Encoding.UTF8.GetString(buffer.ToArray()));
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Parses_a_multi_megabyte_bulk_string_delivered_in_small_chunks()
    {
        byte[] payload = new byte[5 * 1024 * 1024 + 3];
        new Random(7).NextBytes(payload);
        byte[] frame = [.. Encoding.ASCII.GetBytes($"${payload.Length}\r\n"), .. payload, .. "\r\n"u8];

        ReadOnlySequence<byte> partial = new(frame, 0, frame.Length - 1);
        Assert.False(RespParser.TryParse(ref partial, RedisProtocolLimits.Default, out _));

        ReadOnlySequence<byte> buffer = Segments.Chunks(frame, 64 * 1024);
        Assert.True(RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out RedisReply reply));
        Assert.True(buffer.IsEmpty);
        Assert.True(payload.AsSpan().SequenceEqual(reply.Span));
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Simple_replies_that_are_common_do_not_allocate()
    {
        ReadOnlySequence<byte> ok = new("+OK\r\n"u8.ToArray());
        ReadOnlySequence<byte> integer = new(":12345\r\n"u8.ToArray());
        ReadOnlySequence<byte> copy = ok;
        RespParser.TryParse(ref copy, RedisProtocolLimits.Default, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ReadOnlySequence<byte> a = ok;
            ReadOnlySequence<byte> b = integer;
            RespParser.TryParse(ref a, RedisProtocolLimits.Default, out _);
            RespParser.TryParse(ref b, RedisProtocolLimits.Default, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        await Task.CompletedTask;
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "@oops\r\n", "Unexpected RESP type marker '@'" },
        { "hello\r\n", "Unexpected RESP type marker 'h'" },
        { ":12a\r\n", "Invalid RESP integer" },
        { ":\r\n", "Invalid RESP integer" },
        { "$abc\r\n", "Invalid RESP length" },
        { "$-2\r\n", "Negative length -2" },
        { "$3\r\nabcXY", "not followed by CRLF" },
        { "$99999999999\r\n", "exceeds the limit" },
        { "*99999999999\r\n", "exceeds the limit" },
        { "%99999999999\r\n", "exceeds the limit" },
        { "#x\r\n", "Invalid RESP boolean" },
        { ",abc\r\n", "Invalid RESP double" },
        { "(12x\r\n", "Invalid RESP big number" },
        { "_x\r\n", "Invalid RESP null" },
        { "=3\r\ntxt\r\n", "verbatim string" },
        { "$?\r\n", "Streamed RESP3 strings" },
        { "*?\r\n", "Streamed RESP3 aggregates" },
        { "~-1\r\n", "Negative length -1" },
    };

    [Theory(Timeout = TestLimits.Timeout)]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_input_fails_with_a_protocol_error_naming_the_problem(string frame, string message)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(frame));
        var error = Assert.Throws<RedisProtocolException>(() => RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out _));
        Assert.Contains(message, error.Message);
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Configured_limits_bound_lengths_depth_lines_and_frames()
    {
        var limits = new RedisProtocolLimits
        {
            MaxBulkLength = 10,
            MaxAggregateLength = 3,
            MaxNestingDepth = 2,
            MaxLineLength = 16,
            MaxFrameLength = 40,
        };

        Assert.Contains("exceeds the limit of 10 bytes", Fail("$11\r\n", limits));
        Assert.Contains("exceeds the limit of 3 elements", Fail("*4\r\n", limits));
        Assert.Contains("nested deeper than 2", Fail("*1\r\n*1\r\n*1\r\n:1\r\n", limits));
        Assert.Contains("longer than the limit of 16", Fail("+" + new string('a', 40), limits));
        Assert.Contains("frame limit of 40", Fail("*3\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n", limits));

        // Just inside the limits parses.
        var fine = new ReadOnlySequence<byte>("*1\r\n*1\r\n:1\r\n"u8.ToArray());
        Assert.True(RespParser.TryParse(ref fine, limits, out _));
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_stream_of_attributes_cannot_recurse_without_bound()
    {
        string frame = string.Concat(Enumerable.Repeat("|0\r\n", 100)) + ":1\r\n";
        Assert.Contains("nested deeper than", Fail(frame, RedisProtocolLimits.Default));
        await Task.CompletedTask;
    }

    private static string Fail(string frame, RedisProtocolLimits limits)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(frame));
        return Assert.Throws<RedisProtocolException>(() => RespParser.TryParse(ref buffer, limits, out _)).Message;
    }

    private static string ParseOne(ReadOnlySequence<byte> buffer)
    {
        Assert.True(RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out RedisReply reply));
        Assert.True(buffer.IsEmpty);
        return ReplyRendering.Render(reply);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Mutated_frames_either_parse_wait_for_more_or_fail_with_a_protocol_error_and_nothing_else()
    {
        // Property-style: corrupt valid frames at random (seeded, so a failure reproduces) and feed them split at
        // random points; the only acceptable failure is RedisProtocolException.
        var random = new Random(20261122);
        byte[][] frames = [.. Frames.Select(row => Encoding.UTF8.GetBytes((string)row[0]))];
        byte[] alphabet = "+-:$*_,#(!=%~|>0123456789-?\r\nabcinf"u8.ToArray();
        var limits = new RedisProtocolLimits { MaxBulkLength = 1024, MaxAggregateLength = 64, MaxNestingDepth = 8, MaxLineLength = 256, MaxFrameLength = 4096 };
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            byte[] frame = [.. frames[random.Next(frames.Length)], .. frames[random.Next(frames.Length)]];
            for (int mutations = random.Next(1, 4); mutations > 0; mutations--)
            {
                frame[random.Next(frame.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            ReadOnlySequence<byte> buffer = Segments.Split(frame, random.Next(frame.Length), random.Next(frame.Length));
            try
            {
                while (RespParser.TryParse(ref buffer, limits, out RedisReply reply))
                {
                    _ = ReplyRendering.Render(reply);
                }
            }
            catch (RedisProtocolException)
            {
                // Expected for most corruptions.
            }
        }

        await Task.CompletedTask;
    }
}
