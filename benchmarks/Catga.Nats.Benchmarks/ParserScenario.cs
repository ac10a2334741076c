using System.Buffers;
using System.Diagnostics;
using System.Text;
using Catga.Nats.Protocol;

namespace Catga.Nats.Benchmarks;

/// <summary>The read path without a socket: how fast the parser splits MSG frames and whether it allocates.</summary>
internal static class ParserScenario
{
    public static (double NanosPerFrame, double BytesPerFrame) Run(int frames, int rounds)
    {
        var text = new StringBuilder();
        for (var i = 0; i < frames; i++)
        {
            text.Append("MSG orders.created 1 _INBOX.abc.").Append(i).Append(" 16\r\n0123456789abcdef\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var parser = new ProtocolParser();
        // Enough warm-up calls for tiered JIT to promote the parser to optimized code before measuring.
        for (var round = 0; round < 50; round++)
        {
            Parse(parser, bytes);
        }

        Thread.Sleep(500);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        long parsed = 0;
        for (var round = 0; round < rounds; round++)
        {
            parsed += Parse(parser, bytes);
        }

        var elapsed = clock.Elapsed;
        return (elapsed.TotalNanoseconds / parsed, (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / parsed);
    }

    private static long Parse(ProtocolParser parser, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        long count = 0;
        while (parser.TryParse(ref buffer, out var op))
        {
            count += op.Payload.Length > 0 ? 1 : 0;
        }

        return count;
    }
}
