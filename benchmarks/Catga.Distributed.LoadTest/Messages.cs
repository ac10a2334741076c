using Catga;

namespace Catga.Distributed.LoadTest;

/// <summary>The durable scenario's message: a one-way command carrying the producer's send timestamp
/// (<see cref="System.Diagnostics.Stopwatch"/> ticks; producers and consumers share this process) and a payload.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record LoadMessage(long SentTimestamp, long Sequence, byte[] Payload);

/// <summary>The rpc scenario's request; the handler answers with the timestamp it carries.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record LoadRequest(long SentTimestamp, byte[] Payload) : ICommand<long>;

/// <summary>What the handlers saw, shared by every consumer in the process.</summary>
public sealed class LoadStats
{
    private long _consumed;

    internal Histogram Latency { get; private set; } = new();

    /// <summary>Latencies are recorded only while this is set (the measured window, after the warm-up).</summary>
    public volatile bool Measuring;

    public long Consumed => Volatile.Read(ref _consumed);

    public void OnConsumed(long sentTimestamp)
    {
        Interlocked.Increment(ref _consumed);
        if (Measuring)
        {
            Latency.RecordMicros((long)System.Diagnostics.Stopwatch.GetElapsedTime(sentTimestamp).TotalMicroseconds);
        }
    }

    public void Reset()
    {
        Latency = new Histogram();
        Interlocked.Exchange(ref _consumed, 0);
    }
}

public sealed class LoadMessageHandler(LoadStats stats) : ICommandHandler<LoadMessage>
{
    public ValueTask<CatgaResult> HandleAsync(LoadMessage command, CancellationToken cancellationToken)
    {
        stats.OnConsumed(command.SentTimestamp);
        return new(CatgaResult.Success());
    }
}

public sealed class LoadRequestHandler : ICommandHandler<LoadRequest, long>
{
    public ValueTask<CatgaResult<long>> HandleAsync(LoadRequest request, CancellationToken cancellationToken)
        => new(CatgaResult<long>.Success(request.SentTimestamp));
}
