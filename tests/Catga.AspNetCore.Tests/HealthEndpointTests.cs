using System.Net;
using Catga.Distributed;
using Catga.Generated;
using Catga.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Catga.AspNetCore.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Liveness_and_readiness_endpoints_run_the_checks_with_their_tag_and_fail_when_messaging_stops()
    {
        await using var app = await ShopApp.StartAsync(
            b => b.Services.AddCatga()
                .UseInMemoryTransport()
                .UseBinarySerializer(CatgaMessageTypes.Registry)
                .AddDistributedMessaging(o => o.ServiceName = "shop"),
            a => a.MapCatgaHealthChecks());
        using var client = app.GetTestClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Stopping the messaging host (as a crash of the consumers would) fails both probes.
        var host = app.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "CatgaMessagingHostService");
        await host.StopAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }
}
