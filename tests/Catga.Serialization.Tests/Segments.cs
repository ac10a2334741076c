using System.Buffers;

namespace Catga.Serialization.Tests;

/// <summary>Builds multi-segment sequences, as a pipe hands them to a transport.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (int offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            var segment = new Segment(memory, last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
