using Catga.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Catga.Transport.Conformance.Distributed;

/// <summary>One running "process" of a service: its provider, started hosted services, and what its handlers saw.</summary>
public sealed class DistributedService(ServiceProvider provider, DistributedRecorder recorder) : IAsyncDisposable
{
    private bool _stopped;

    public ServiceProvider Provider { get; } = provider;

    public DistributedRecorder Recorder { get; } = recorder;

    /// <summary>Started and not stopped.</summary>
    public bool IsRunning { get; private set; }

    public ICatgaMediator Mediator => Provider.GetRequiredService<ICatgaMediator>();

    public ICatgaBus Bus => Provider.GetRequiredService<ICatgaBus>();

    public DeadLetterManager DeadLetters => Provider.GetRequiredService<DeadLetterManager>();

    /// <summary>Runs the health checks registered with AddHealthChecks() (those with <paramref name="tag"/>, or all).</summary>
    public Task<HealthReport> CheckHealthAsync(string? tag = null) =>
        Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => tag is null || c.Tags.Contains(tag));

    public async Task StartAsync()
    {
        foreach (var hosted in Provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        IsRunning = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        IsRunning = false;
        foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Provider.DisposeAsync();
    }
}
