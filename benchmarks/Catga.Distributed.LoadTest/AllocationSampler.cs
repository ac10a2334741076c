using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Catga.Distributed.LoadTest;

/// <summary>
/// Which types the process allocates, sampled in process (--alloc-profile): the runtime raises an allocation tick about
/// every 100 KB allocated, naming the type whose allocation crossed the mark, so the ticks per type are proportional to
/// the bytes allocated of that type. No tool to install, and it works on a loaded machine.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEvent = 10;
    private const long GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>The process's sampler when --alloc-profile is given.</summary>
    public static AllocationSampler? Current { get; set; }

    public void Begin()
    {
        _bytes.Clear();
        _recording = true;
    }

    /// <summary>The top <paramref name="count"/> types by sampled bytes, with their share of the sampled total.</summary>
    public string End(int count)
    {
        _recording = false;
        long total = _bytes.Values.Sum();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"  allocations by type (sampled {total / 1024:N0} KB):");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(count))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {100.0 * bytes / Math.Max(1, total),5:0.0}%  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTickEvent || eventData.Payload is not { } payload)
        {
            return;
        }

        int typeAt = eventData.PayloadNames!.IndexOf("TypeName");
        int amountAt = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0)
        {
            return;
        }

        string type = payload[typeAt] as string ?? "?";
        long amount = Convert.ToInt64(payload[amountAt], CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
