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

    internal CatgaHealthCheck(IMessageTransport transport, CatgaMessagingHost host, IOutboxStore? outbox)
    {
        _transport = transport;
        _host = host;
        _outbox = outbox;
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

        return new CatgaHealthReport(entries);
    }
}
