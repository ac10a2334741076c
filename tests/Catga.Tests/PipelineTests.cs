using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class PipelineTests
{
    [Fact]
    public async Task Behaviors_run_in_compile_time_order_with_ties_broken_by_name()
    {
        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new Add(1, 2));
        // OuterBehavior (-10), TrackedBehavior (1, marker), ABehavior and BBehavior (5, by name), then the handler.
        Assert.Equal(["outer:before", "tracked", "a", "b", "handler", "outer:after"], host.Probe.Steps);
    }

    [Fact]
    public async Task Marker_behavior_skips_requests_without_the_marker_and_unit_behavior_applies_to_commands_without_result()
    {
        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new Touch("t"));
        Assert.Equal(["outer:before", "unit-only", "a", "b", "touch:t", "outer:after"], host.Probe.Steps);
    }

    [Fact]
    public async Task Cancellation_token_flows_to_every_behavior_and_the_handler()
    {
        await using var host = new CatgaHost();
        using var cts = new CancellationTokenSource();
        await host.Mediator.SendAsync(new Add(1, 2), cts.Token);
        Assert.Equal(2, host.Probe.Tokens.Count);
        Assert.All(host.Probe.Tokens, token => Assert.Equal(cts.Token, token));
    }

    [Fact]
    public async Task Cancelled_before_start_returns_Cancelled_without_running_the_pipeline()
    {
        await using var host = new CatgaHost();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = await host.Mediator.SendAsync(new Add(1, 2), cts.Token);
        Assert.Equal(CatgaErrorCodes.Cancelled, result.Error?.Code);
        Assert.Empty(host.Probe.Steps);
    }

    [Fact]
    public async Task Cancelled_while_running_returns_Cancelled_with_the_exception()
    {
        await using var host = new CatgaHost();
        using var cts = new CancellationTokenSource();
        var pending = host.Mediator.SendAsync(new Add(1, 2, Mode.Cancel), cts.Token);
        await cts.CancelAsync();
        var result = await pending;
        Assert.Equal(CatgaErrorCodes.Cancelled, result.Error?.Code);
        Assert.IsAssignableFrom<OperationCanceledException>(result.Error!.Exception);
    }
}
