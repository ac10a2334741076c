using System.Buffers;

namespace Catga.Redis.Tests.Protocol;

/// <summary>Builds multi-segment sequences, the way a socket delivers a reply in pieces.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts.Where(c => c > 0 && c < data.Length).Order());
        bounds.Add(data.Length);
        Chunk? first = null;
        Chunk? last = null;
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            var memory = data.AsMemory(bounds[i], bounds[i + 1] - bounds[i]);
            if (first is null)
            {
                first = last = new Chunk(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> Chunks(byte[] data, int chunkSize)
    {
        var cuts = new List<int>();
        for (int cut = chunkSize; cut < data.Length; cut += chunkSize)
        {
            cuts.Add(cut);
        }

        return Split(data, [.. cuts]);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Chunk Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Chunk(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
