using System.Diagnostics.Metrics;
using Catga.Diagnostics;

namespace Catga.AspNetCore.Dashboard;

/// <summary>Totals of Catga's consumer and relay counters since the dashboard was mapped, in all and per destination
/// (their <c>messaging.destination.name</c> tag), read from the <c>Catga</c> meter with a <see cref="MeterListener"/>
/// (the same measurements an OpenTelemetry exporter sees).</summary>
internal sealed class DashboardCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _handled;
    private long _failed;
    private long _retried;
    private long _deadLettered;
    private long _duplicates;
    private long _relayed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long[]> _byDestination = new(StringComparer.Ordinal);

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
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            int index;
            switch (instrument.Name)
            {
                case "catga.consumer.handled": Interlocked.Add(ref _handled, value); index = 0; break;
                case "catga.consumer.failed": Interlocked.Add(ref _failed, value); index = 1; break;
                case "catga.consumer.retried": Interlocked.Add(ref _retried, value); index = 2; break;
                case "catga.consumer.dead_lettered": Interlocked.Add(ref _deadLettered, value); index = 3; break;
                case "catga.consumer.duplicates": Interlocked.Add(ref _duplicates, value); index = 4; break;
                case "catga.outbox.relayed": Interlocked.Add(ref _relayed, value); index = 5; break;
                default: return;
            }

            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && tag.Value is string destination)
                {
                    Interlocked.Add(ref _byDestination.GetOrAdd(destination, static _ => new long[6])[index], value);
                    break;
                }
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
        Since,
        [.. _byDestination
            .OrderBy(static d => d.Key, StringComparer.Ordinal)
            .Select(static d => new DestinationCountersModel(
                d.Key,
                Interlocked.Read(ref d.Value[0]),
                Interlocked.Read(ref d.Value[1]),
                Interlocked.Read(ref d.Value[2]),
                Interlocked.Read(ref d.Value[3]),
                Interlocked.Read(ref d.Value[4]),
                Interlocked.Read(ref d.Value[5])))]);

    public void Dispose() => _listener.Dispose();
}
