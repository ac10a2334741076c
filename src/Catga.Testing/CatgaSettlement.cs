using Catga.Distributed;
using Catga.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Testing;

/// <summary>
/// Waits until services that run over a real transport (NATS, Redis Streams) have settled all the work that reached
/// them, judged from the servers' own counts rather than from a quiet period: every outbox is empty, and every consumer
/// has no lag, no delivered-and-unsettled message (unacknowledged, or waiting for a delayed redelivery) and no running
/// handler, seen twice in a row. After it returns nothing more arrives until something new is sent, so a test can
/// assert "exactly once" without sleeping. For in-memory hosts, <see cref="CatgaTestHarness"/> tracks every message
/// instead.
/// </summary>
public static class CatgaSettlement
{
    /// <summary>How often the counts are read while waiting.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until every service in <paramref name="services"/> (each a started host's service provider) has
    /// settled; fails with <see cref="TimeoutException"/> naming every consumer and outbox still busy.</summary>
    /// <param name="services">The services' providers.</param>
    /// <param name="timeout">How long to wait (default 30 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when everything has settled.</returns>
    public static async Task WaitAsync(IEnumerable<IServiceProvider> services, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var providers = services.ToList();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        int quietReadings = 0;
        while (true)
        {
            var busy = await ReadBusyAsync(providers, cancellationToken).ConfigureAwait(false);
            quietReadings = busy.Count == 0 ? quietReadings + 1 : 0;
            if (quietReadings == 2)
            {
                return;
            }

            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The services did not settle within {limit}. Still busy:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", busy));
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the given services have settled (see <see cref="WaitAsync(IEnumerable{IServiceProvider}, TimeSpan?, CancellationToken)"/>).</summary>
    /// <param name="services">The services' providers.</param>
    /// <returns>A task that completes when everything has settled.</returns>
    public static Task WaitAsync(params IServiceProvider[] services) => WaitAsync(services, null, CancellationToken.None);

    /// <summary>
    /// One reading of what is still busy in <paramref name="services"/>: one line per outbox with unsent messages and per
    /// consumer with lag, delivered-and-unsettled messages or running handlers; empty when everything has settled. For
    /// a service in another process (a worker started by a test), let it report this reading and wait for two empty
    /// ones in a row, as <see cref="WaitAsync(IEnumerable{IServiceProvider}, TimeSpan?, CancellationToken)"/> does.
    /// </summary>
    /// <param name="services">The services' providers.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>What is busy, one line each.</returns>
    public static async Task<IReadOnlyList<string>> ReadBusyAsync(IEnumerable<IServiceProvider> services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return await ReadBusyAsync(services.ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What is still busy, one line each, read in the order work flows (outbox, then each consumer's backlog,
    /// its delivered messages, its running handlers) so that work moving on between two reads is seen at the later one.</summary>
    private static async Task<List<string>> ReadBusyAsync(List<IServiceProvider> providers, CancellationToken cancellationToken)
    {
        var busy = new List<string>();
        foreach (var provider in providers)
        {
            var options = provider.GetService<DistributedMessagingOptions>();
            string service = options?.ServiceName ?? "(service)";
            if (options is { UseOutbox: true } && provider.GetService<IOutboxStore>() is { } outbox)
            {
                long pending = await outbox.CountPendingAsync(cancellationToken).ConfigureAwait(false);
                if (pending > 0)
                {
                    busy.Add($"{service}: {pending} outbox message(s) not sent yet");
                }
            }
        }

        foreach (var provider in providers)
        {
            if (provider.GetService<CatgaMessagingHost>() is not { } host)
            {
                continue;
            }

            string service = provider.GetService<DistributedMessagingOptions>()?.ServiceName ?? "(service)";
            foreach (var (_, running) in host.Consumers)
            {
                var subscription = running.Subscription;
                long lag = await running.GetLagAsync(cancellationToken).ConfigureAwait(false) ?? 0;
                long unsettled = await running.GetUnsettledAsync(cancellationToken).ConfigureAwait(false) ?? 0;
                int inFlight = running.InFlight;
                if (lag > 0 || unsettled > 0 || inFlight > 0)
                {
                    busy.Add($"{service}: consumer of '{subscription.Destination}' (group '{subscription.Group}'): lag {lag}, unsettled {unsettled}, handlers running {inFlight}");
                }
            }
        }

        return busy;
    }
}
