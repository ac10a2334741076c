using System.Diagnostics.Metrics;
using Catga.Diagnostics;

namespace Catga.AspNetCore.Dashboard;

/// <summary>Totals of Catga's consumer and relay counters since the dashboard was mapped, read from the <c>Catga</c>
/// meter with a <see cref="MeterListener"/> (the same measurements an OpenTelemetry exporter sees).</summary>
internal sealed class DashboardCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _handled;
    private long _failed;
    private long _retried;
    private long _deadLettered;
    private long _duplicates;
    private long _relayed;

    public DashboardCounters(TimeProvider time)
    {
        Since = time.GetUtcNow();
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == CatgaDiagnostics.MeterName && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "catga.consumer.handled": Interlocked.Add(ref _handled, value); break;
                case "catga.consumer.failed": Interlocked.Add(ref _failed, value); break;
                case "catga.consumer.retried": Interlocked.Add(ref _retried, value); break;
                case "catga.consumer.dead_lettered": Interlocked.Add(ref _deadLettered, value); break;
                case "catga.consumer.duplicates": Interlocked.Add(ref _duplicates, value); break;
                case "catga.outbox.relayed": Interlocked.Add(ref _relayed, value); break;
            }
        });
        _listener.Start();
    }

    public DateTimeOffset Since { get; }

    public CountersModel Snapshot() => new(
        Interlocked.Read(ref _handled),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _retried),
        Interlocked.Read(ref _deadLettered),
        Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _relayed),
        Since);

    public void Dispose() => _listener.Dispose();
}
