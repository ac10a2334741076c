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
    double MachineCpu)
{
    public double ProducedRate => Produced / Seconds;

    public double ConsumedRate => Consumed / Seconds;

    public string Line() =>
        $"{Layer,-28} produced {ProducedRate,9:N0}/s  consumed {ConsumedRate,9:N0}/s  errors {Errors}  " +
        $"latency ms p50 {P50 / 1000,8:0.000} p90 {P90 / 1000,8:0.000} p99 {P99 / 1000,8:0.000} p99.9 {P999 / 1000,8:0.000} max {Max / 1000,8:0.0}  " +
        $"cpu% tool {ToolCpu,5:0} nats {NatsCpu,4:0} redis {RedisCpu,4:0} machine {MachineCpu,4:0}";
}

/// <summary>Takes the counters and CPU times at the start and end of the measured window.</summary>
internal sealed class Window
{
    private readonly int? _natsPid;
    private readonly int? _redisPid;
    private long _start;
    private long _produced0;
    private long _consumed0;
    private double _tool0;
    private double _nats0;
    private double _redis0;
    private double _machine0;

    public Window(int? natsPid, int? redisPid)
    {
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
    }

    public RunResult End(string layer, LoadStats stats, long produced, long errors)
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        long consumed = stats.Consumed - _consumed0;
        stats.Measuring = false;
        double Pct(double cpu0, int? pid) => pid is { } p ? (ProcessCpu.Seconds(p) - cpu0) / seconds * 100 : double.NaN;
        var latency = stats.Latency;
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
            (ProcessCpu.MachineBusySeconds() - _machine0) / seconds * 100);
    }
}
