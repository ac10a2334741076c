using Microsoft.Extensions.Hosting;

namespace Catga.Distributed;

/// <summary>The hosted-service face of <see cref="CatgaMessagingHost"/> (which health checks also read).</summary>
internal sealed class CatgaMessagingHostService(CatgaMessagingHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
