using Catga.Distributed;
using Catga.Outbox;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Catga.Health;

/// <summary>Readiness: the outbox store answers and its backlog is at most
/// <see cref="CatgaHealthOptions.MaxOutboxBacklog"/> (above it the check reports degraded: messages still leave, late).
/// Healthy with nothing to check when no outbox is in use.</summary>
internal sealed class OutboxHealthCheck(IOutboxStore? outbox, CatgaMessagingHost host, IOptions<CatgaHealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (outbox is null)
        {
            return HealthCheckResult.Healthy("no outbox in use");
        }

        bool leader = host.Relay is { IsLeader: true };
        try
        {
            long backlog = await outbox.CountPendingAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["backlog"] = backlog, ["relayLeader"] = leader };
            long max = options.Value.MaxOutboxBacklog;
            string relay = leader ? "this node relays" : "another node relays (or none yet)";
            return backlog <= max
                ? HealthCheckResult.Healthy($"{backlog} pending; {relay}", data)
                : HealthCheckResult.Degraded($"{backlog} pending, above the limit of {max}; {relay}", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "outbox store unreachable: " + ex.Message, ex);
        }
    }
}
