using System.Buffers;

namespace Catga.Nats.Protocol;

/// <summary>
/// The memory of a connection's command pipe. The shared array pool keeps only a few large arrays per core, so a
/// pipe holding megabytes of 64 KiB segments (a fast publisher ahead of the socket) would allocate new ones; this
/// pool retains as many segments as the pipe may hold at once.
/// </summary>
internal sealed class SegmentPool : MemoryPool<byte>
{
    private readonly ArrayPool<byte> _arrays;

    public SegmentPool(int segmentSize, int maxSegments)
    {
        MaxBufferSize = segmentSize;
        _arrays = ArrayPool<byte>.Create(segmentSize, maxSegments);
    }

    public override int MaxBufferSize { get; }

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
        new Segment(_arrays, _arrays.Rent(minBufferSize <= 0 ? MaxBufferSize : Math.Min(minBufferSize, MaxBufferSize)));

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Segment : IMemoryOwner<byte>
    {
        private readonly ArrayPool<byte> _arrays;
        private byte[]? _array;

        public Segment(ArrayPool<byte> arrays, byte[] array)
        {
            _arrays = arrays;
            _array = array;
        }

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Segment));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                _arrays.Return(array);
            }
        }
    }
}
