using System.Globalization;
using Catga.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Catga.Health;

/// <summary>Readiness: every consumer runs with its circuit closed. An open circuit means a handler keeps failing and its
/// messages wait; the check names each such consumer. Data holds one entry per consumer (in flight, lag, circuit).</summary>
internal sealed class ConsumersHealthCheck(CatgaMessagingHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!host.IsRunning)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "distributed messaging is not running"));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        List<string>? open = null;
        foreach (var (consumer, running) in host.Consumers)
        {
            bool circuitOpen = consumer.IsCircuitOpen;
            if (circuitOpen)
            {
                (open ??= []).Add(consumer.Destination);
            }

            data[consumer.Destination] = string.Create(
                CultureInfo.InvariantCulture,
                $"{running.InFlight} in flight, lag {(consumer.LastLag is { } lag ? lag.ToString(CultureInfo.InvariantCulture) : "unknown")}, circuit {(circuitOpen ? "open" : "closed")}");
        }

        return Task.FromResult(open is null
            ? HealthCheckResult.Healthy($"{host.Consumers.Count} consumer(s), every circuit closed", data)
            : new HealthCheckResult(
                context.Registration.FailureStatus,
                $"circuit open (the handler keeps failing; messages wait): {string.Join(", ", open)}",
                data: data));
    }
}
