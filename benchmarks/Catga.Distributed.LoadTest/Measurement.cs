using System.Diagnostics;

namespace Catga.Distributed.LoadTest;

/// <summary>What one run of one layer measured over its window.</summary>
internal sealed record RunResult(
    string Layer,
    double Seconds,
    long Produced,
    long Consumed,
    long Errors,
    double P50,
    double P90,
    double P99,
    double P999,
    double Max,
    double ToolCpu,
    double NatsCpu,
    double RedisCpu,
    double MachineCpu,
    string Profile)
{
    public double ProducedRate => Produced / Seconds;

    public double ConsumedRate => Consumed / Seconds;

    /// <summary>CPU time of the tool, nats-server and redis-server per consumed message, in microseconds: the cost
    /// of a message that does not depend on how much of the machine other processes take.</summary>
    public double CpuMicrosPerMessage => Consumed == 0 ? double.NaN
        : (ToolCpu + (double.IsNaN(NatsCpu) ? 0 : NatsCpu) + (double.IsNaN(RedisCpu) ? 0 : RedisCpu)) / 100 * Seconds / Consumed * 1e6;

    public string Line() =>
        $"{Layer,-28} produced {ProducedRate,9:N0}/s  consumed {ConsumedRate,9:N0}/s  errors {Errors}  " +
        $"latency ms p50 {P50 / 1000,8:0.000} p90 {P90 / 1000,8:0.000} p99 {P99 / 1000,8:0.000} p99.9 {P999 / 1000,8:0.000} max {Max / 1000,8:0.0}  " +
        $"cpu% tool {ToolCpu,5:0} nats {NatsCpu,4:0} redis {RedisCpu,4:0} machine {MachineCpu,4:0}" + Environment.NewLine +
        $"{"",-28} profile: cpu {CpuMicrosPerMessage:0.0} us/msg (tool {ToolCpu / 100 * Seconds / Math.Max(1, Consumed) * 1e6:0.0}, nats {NatsCpu / 100 * Seconds / Math.Max(1, Consumed) * 1e6:0.0}, redis {RedisCpu / 100 * Seconds / Math.Max(1, Consumed) * 1e6:0.0}), {Profile}";
}

/// <summary>Takes the counters and CPU times at the start and end of the measured window.</summary>
internal sealed class Window
{
    private readonly int? _natsPid;
    private readonly int? _redisPid;
    private readonly InboxTimings _inbox;
    private (long Claims, long ClaimCalls, long ClaimTicks, long Completes, long CompleteCalls, long CompleteTicks) _inbox0;
    private long _allocated0;
    private TimeSpan _pause0;
    private int _gen0;
    private int _gen2;
    private long _start;
    private long _produced0;
    private long _consumed0;
    private double _tool0;
    private double _nats0;
    private double _redis0;
    private double _machine0;

    public Window(int? natsPid, int? redisPid, InboxTimings inbox)
    {
        _inbox = inbox;
        _natsPid = natsPid;
        _redisPid = redisPid;
    }

    public void Begin(LoadStats stats, long produced)
    {
        stats.Measuring = true;
        _start = Stopwatch.GetTimestamp();
        _produced0 = produced;
        _consumed0 = stats.Consumed;
        _tool0 = ProcessCpu.Seconds(Environment.ProcessId);
        _nats0 = _natsPid is { } n ? ProcessCpu.Seconds(n) : double.NaN;
        _redis0 = _redisPid is { } r ? ProcessCpu.Seconds(r) : double.NaN;
        _machine0 = ProcessCpu.MachineBusySeconds();
        _inbox0 = _inbox.Snapshot();
        _allocated0 = GC.GetTotalAllocatedBytes(precise: false);
        _pause0 = GC.GetTotalPauseDuration();
        _gen0 = GC.CollectionCount(0);
        _gen2 = GC.CollectionCount(2);
        AllocationSampler.Current?.Begin();
    }

    public RunResult End(string layer, LoadStats stats, long produced, long errors)
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        long consumed = stats.Consumed - _consumed0;
        stats.Measuring = false;
        double Pct(double cpu0, int? pid) => pid is { } p ? (ProcessCpu.Seconds(p) - cpu0) / seconds * 100 : double.NaN;
        var latency = stats.Latency;
        var inbox = _inbox.Snapshot();
        long claims = inbox.Claims - _inbox0.Claims;
        long completes = inbox.Completes - _inbox0.Completes;
        long claimCalls = inbox.ClaimCalls - _inbox0.ClaimCalls;
        long completeCalls = inbox.CompleteCalls - _inbox0.CompleteCalls;
        double allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated0;
        string profile = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"alloc {allocated / Math.Max(1, consumed):N0} B/msg, GC pause {(GC.GetTotalPauseDuration() - _pause0).TotalMilliseconds / seconds / 10:0.0}% of wall, gen0 {GC.CollectionCount(0) - _gen0}, gen2 {GC.CollectionCount(2) - _gen2}");
        if (claims > 0)
        {
            profile += string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"; inbox claims {claims / Math.Max(1.0, consumed):0.00}/msg in {claimCalls} calls ({claims / Math.Max(1.0, claimCalls):0.0} per round trip, avg {Stopwatch.GetElapsedTime(0, (inbox.ClaimTicks - _inbox0.ClaimTicks) / Math.Max(1, claimCalls)).TotalMilliseconds:0.000} ms), completes {completes / Math.Max(1.0, consumed):0.00}/msg in {completeCalls} calls ({completes / Math.Max(1.0, completeCalls):0.0} per round trip, avg {Stopwatch.GetElapsedTime(0, (inbox.CompleteTicks - _inbox0.CompleteTicks) / Math.Max(1, completeCalls)).TotalMilliseconds:0.000} ms)");
        }

        if (AllocationSampler.Current is { } sampler)
        {
            profile += Environment.NewLine + sampler.End(25);
        }

        return new RunResult(
            layer,
            seconds,
            produced - _produced0,
            consumed,
            errors,
            latency.Percentile(0.50),
            latency.Percentile(0.90),
            latency.Percentile(0.99),
            latency.Percentile(0.999),
            latency.MaxMicros,
            Pct(_tool0, Environment.ProcessId),
            Pct(_nats0, _natsPid),
            Pct(_redis0, _redisPid),
            (ProcessCpu.MachineBusySeconds() - _machine0) / seconds * 100,
            profile);
    }
}
