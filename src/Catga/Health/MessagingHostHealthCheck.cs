using Catga.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Catga.Health;

/// <summary>Liveness: the distributed messaging host is running. When it has stopped, nothing is consumed any more and
/// only a restart brings the consumers back.</summary>
internal sealed class MessagingHostHealthCheck(CatgaMessagingHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["consumers"] = host.Consumers.Count };
        return Task.FromResult(host.IsRunning
            ? HealthCheckResult.Healthy($"{host.Consumers.Count} consumer(s) running", data)
            : new HealthCheckResult(context.Registration.FailureStatus, "distributed messaging is not running", data: data));
    }
}
