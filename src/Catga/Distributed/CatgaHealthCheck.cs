using Catga.Outbox;
using Catga.Transport;

namespace Catga.Distributed;

/// <summary>
/// Checks distributed messaging: the transport connection, every consumer (running, circuit closed), and the outbox
/// (reachable, backlog). Wrap it in the health-check system of your host, for example an ASP.NET Core
/// <c>IHealthCheck</c> that maps <see cref="CatgaHealthReport.IsHealthy"/> and the entries.
/// </summary>
public sealed class CatgaHealthCheck
{
    private readonly IMessageTransport _transport;
    private readonly CatgaMessagingHost _host;
    private readonly IOutboxStore? _outbox;
    private readonly Scheduling.MessageScheduler? _scheduler;
    private readonly Scheduling.IScheduleStore? _schedules;
    private readonly TimeProvider _time;

    internal CatgaHealthCheck(IMessageTransport transport, CatgaMessagingHost host, IOutboxStore? outbox, Scheduling.MessageScheduler? scheduler = null, Scheduling.IScheduleStore? schedules = null, TimeProvider? time = null)
    {
        _transport = transport;
        _host = host;
        _outbox = outbox;
        _scheduler = scheduler;
        _schedules = schedules;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The outbox backlog above which the outbox is reported unhealthy (default 100,000).</summary>
    public long MaxOutboxBacklog { get; set; } = 100_000;

    /// <summary>Runs every check.</summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The report.</returns>
    public async Task<CatgaHealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<CatgaHealthEntry>();
        string? transportProblem;
        try
        {
            transportProblem = await _transport.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            transportProblem = ex.Message;
        }

        entries.Add(new CatgaHealthEntry("transport:" + _transport.Name, transportProblem is null, transportProblem ?? "connected"));
        entries.Add(new CatgaHealthEntry("host", _host.IsRunning, _host.IsRunning ? $"{_host.Consumers.Count} consumer(s) running" : "distributed messaging is not running"));
        foreach (var (consumer, running) in _host.Consumers)
        {
            bool open = consumer.IsCircuitOpen;
            entries.Add(new CatgaHealthEntry(
                "consumer:" + consumer.Destination,
                !open,
                open ? "circuit open: the handler keeps failing; messages wait" : $"{running.InFlight} in flight, lag {consumer.LastLag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}"));
        }

        if (_outbox is not null)
        {
            try
            {
                long backlog = await _outbox.CountPendingAsync(cancellationToken).ConfigureAwait(false);
                string leader = _host.Relay is { IsLeader: true } ? "this node relays" : "another node relays (or none yet)";
                entries.Add(new CatgaHealthEntry("outbox", backlog <= MaxOutboxBacklog, $"{backlog} pending; {leader}"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                entries.Add(new CatgaHealthEntry("outbox", false, "outbox store unreachable: " + ex.Message));
            }
        }

        if (_scheduler is not null && _schedules is not null)
        {
            entries.Add(await CheckSchedulerAsync(_scheduler, _schedules, cancellationToken).ConfigureAwait(false));
        }

        return new CatgaHealthReport(entries);
    }

    /// <summary>The scheduler entry: the store answers, and the oldest pending message is not more than
    /// <see cref="Scheduling.SchedulerOptions.MaxOverdue"/> past due (otherwise no node is firing).</summary>
    private async Task<CatgaHealthEntry> CheckSchedulerAsync(Scheduling.MessageScheduler scheduler, Scheduling.IScheduleStore store, CancellationToken cancellationToken)
    {
        try
        {
            long pending = await store.CountPendingAsync(cancellationToken).ConfigureAwait(false);
            var oldest = await store.ListPendingAsync(0, 1, cancellationToken).ConfigureAwait(false);
            TimeSpan overdue = oldest.Count == 0 ? TimeSpan.Zero : _time.GetUtcNow() - oldest[0].DueAt;
            string who = scheduler.IsLeader ? "this node fires" : "another node fires (or none yet)";
            bool healthy = overdue <= scheduler.Options.MaxOverdue;
            string overdueText = overdue > TimeSpan.Zero ? $", oldest {overdue.TotalSeconds:0.#} s overdue" : string.Empty;
            return new CatgaHealthEntry("scheduler", healthy, $"{pending} pending{overdueText}; {who}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CatgaHealthEntry("scheduler", false, "schedule store unreachable: " + ex.Message);
        }
    }
}
