using Catga.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Catga.Testing;

/// <summary>One service started by a <see cref="CatgaTestHarness"/>: its own service provider, handlers, stores and
/// consumers, connected to the other hosts through the harness's in-memory broker.</summary>
public sealed class CatgaTestHost : IAsyncDisposable
{
    private bool _stopped;
    private bool _started;

    internal CatgaTestHost(string serviceName, ServiceProvider services)
    {
        ServiceName = serviceName;
        Services = services;
    }

    /// <summary>The service name (its consumer group).</summary>
    public string ServiceName { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Started and not stopped.</summary>
    internal bool IsRunning => _started && !_stopped;

    /// <summary>The host's mediator (in-process dispatch, and remote requests routed to other hosts).</summary>
    public ICatgaMediator Mediator => Services.GetRequiredService<ICatgaMediator>();

    /// <summary>The host's bus (send, publish and schedule across hosts).</summary>
    public ICatgaBus Bus => Services.GetRequiredService<ICatgaBus>();

    internal async Task StartAsync()
    {
        _started = true;
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the host's consumers, relay and scheduler (graceful: running handlers finish).</summary>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the host and disposes its services.</summary>
    /// <returns>A task that completes when the host is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await ((ServiceProvider)Services).DisposeAsync().ConfigureAwait(false);
    }
}
