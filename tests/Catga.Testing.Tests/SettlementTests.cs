using Catga;
using Catga.Distributed;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Testing.Tests;

/// <summary><see cref="CatgaSettlement"/> judges from the transport's and the outbox's own counts: it does not return
/// while a message waits for a delayed retry, and its timeout names what is still busy.</summary>
public sealed class SettlementTests : IAsyncLifetime
{
    private readonly CatgaTestHarness _harness = new();
    private readonly FlowLog _log = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<CatgaTestHost> StartAsync(string service, Action<DistributedMessagingOptions> consume)
        => _harness.StartServiceAsync(_log, service, consume);

    [Fact]
    public async Task A_message_waiting_for_a_delayed_retry_keeps_the_services_unsettled_until_it_is_handled()
    {
        var ordering = await StartAsync("ordering", o => o.Consume<Hop3Done>());
        var billing = await StartAsync("billing", o => o.Consume<Hop2>());
        _log.Hop2Failures = 1;

        // Not tracked: the first run fails and its retry waits 10 s on the harness's fake clock, which nothing moves yet.
        Assert.True((await ordering.Bus.SendAsync(new Hop2("s-1"))).IsSuccess);
        await _log.Hop2Failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => CatgaSettlement.WaitAsync([ordering.Services, billing.Services], TimeSpan.FromMilliseconds(500)));

        Assert.Contains("billing: consumer of", timeout.Message, StringComparison.Ordinal);
        Assert.True(timeout.Message.Contains("unsettled 1", StringComparison.Ordinal), timeout.Message);
        Assert.Empty(_log.Handled);

        // Once the clock reaches the retry (the harness moves it on to every further retry), the message is handled and
        // the services settle for good.
        await _harness.AdvanceTimeAsync(TimeSpan.FromSeconds(10));
        await CatgaSettlement.WaitAsync([ordering.Services, billing.Services], TimeSpan.FromSeconds(10));
        Assert.Equal(["hop2 s-1", "hop3 s-1"], _log.Handled.ToArray());
    }
}
