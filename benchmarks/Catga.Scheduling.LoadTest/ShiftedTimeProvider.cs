namespace Catga.Scheduling.LoadTest;

/// <summary>The system clock moved by a fixed offset, set before the firing phase starts. Entries are scheduled at
/// instants far in the future (so nothing is due while 100,000 of them are written); the offset then puts the first due
/// instant just ahead of "now", and the clock runs at real speed from there.</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
