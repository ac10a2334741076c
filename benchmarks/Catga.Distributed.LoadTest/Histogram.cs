using System.Numerics;

namespace Catga.Distributed.LoadTest;

/// <summary>
/// Log-linear latency histogram in the style of HdrHistogram: exact below 64 us, then 64 sub-buckets per power of two
/// (at most 1/64 = 1.6% relative error). Recording is one interlocked increment, so any thread may record.
/// </summary>
internal sealed class Histogram
{
    private const int SubBits = 6;
    private const int SubCount = 1 << SubBits;
    private readonly long[] _counts = new long[SubCount * 58];
    private long _total;
    private long _max;

    public long Count => Volatile.Read(ref _total);

    public double MaxMicros => Volatile.Read(ref _max);

    public void RecordMicros(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        Interlocked.Increment(ref _counts[Index(micros)]);
        Interlocked.Increment(ref _total);
        long max;
        while (micros > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, max) != max)
        {
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), as the upper bound of its bucket, in microseconds.</summary>
    public double Percentile(double q)
    {
        long total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), MaxMicros);
            }
        }

        return MaxMicros;
    }

    private static int Index(long value)
    {
        if (value < SubCount)
        {
            return (int)value;
        }

        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = msb - SubBits;
        return ((shift + 1) << SubBits) + (int)((value >> shift) & (SubCount - 1));
    }

    private static double UpperBound(int index)
    {
        if (index < SubCount)
        {
            return index;
        }

        int shift = (index >> SubBits) - 1;
        long low = index & (SubCount - 1);
        return ((SubCount + low + 1) << shift) - 1;
    }
}
