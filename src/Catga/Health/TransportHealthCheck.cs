using Catga.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Catga.Health;

/// <summary>Readiness: the transport answers a round trip to its server (a NATS PING, a Redis PING).</summary>
internal sealed class TransportHealthCheck(IMessageTransport transport) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["transport"] = transport.Name };
        try
        {
            string? problem = await transport.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return problem is null
                ? HealthCheckResult.Healthy($"{transport.Name}: connected", data)
                : new HealthCheckResult(context.Registration.FailureStatus, $"{transport.Name}: {problem}", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{transport.Name}: {ex.Message}", ex, data);
        }
    }
}
