using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class EventAndStreamBehaviorTests
{
    [Fact]
    public async Task Event_behaviors_wrap_each_handler_in_compile_time_order()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Audited("x"));

        Assert.True(result.IsSuccess);
        // TrackedEventBehavior (-1, marker) outermost, AuditedOnlyBehavior (1, closed) inside it, around each handler.
        Assert.Equal(
            ["event:before", "audited-only", "first:X", "event:after", "event:before", "audited-only", "second:X", "event:after"],
            host.Probe.Steps);
    }

    [Fact]
    public async Task Event_behavior_sees_the_handler_exception_and_the_failure_is_the_handlers()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Audited("x", FailSecond: true));

        Assert.Equal(CatgaErrorCodes.EventHandlerFailed, result.Error?.Code);
        Assert.Contains("SecondAuditedHandler", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["event:before", "audited-only", "first:X", "event:after", "event:before", "audited-only", "second:X", "event:threw:second failed"],
            host.Probe.Steps);
    }

    [Fact]
    public async Task Event_behaviors_skip_events_without_their_marker()
    {
        await using var host = new CatgaHost();
        await host.Mediator.PublishAsync(new Happened("h"));

        Assert.DoesNotContain(host.Probe.Steps, step => step.StartsWith("event:", StringComparison.Ordinal) || step == "audited-only");
        Assert.Equal(["first:h", "second:h", "third:h"], host.Probe.Steps);
    }

    [Fact]
    public async Task Cancellation_token_flows_to_event_behaviors_and_handlers()
    {
        await using var host = new CatgaHost();
        using var cts = new CancellationTokenSource();
        await host.Mediator.PublishAsync(new Audited("x"), cts.Token);

        // Two behavior runs (one per handler) and the first handler.
        Assert.Equal(3, host.Probe.Tokens.Count);
        Assert.All(host.Probe.Tokens, token => Assert.Equal(cts.Token, token));
    }

    [Fact]
    public async Task Stream_behaviors_run_in_compile_time_order_and_transform_the_items()
    {
        await using var host = new CatgaHost();
        var items = new List<int>();
        await foreach (var item in host.Mediator.CreateStream(new TrackedCount(3)))
        {
            items.Add(item.Value);
        }

        Assert.Equal([2, 4, 6], items);
        Assert.Equal(["stream:before", "doubling", "handler", "stream:after"], host.Probe.Steps);
    }

    [Fact]
    public async Task Stream_behaviors_skip_streams_without_their_marker()
    {
        await using var host = new CatgaHost();
        var items = new List<int>();
        await foreach (var item in host.Mediator.CreateStream(new Count(3)))
        {
            items.Add(item.Value);
        }

        Assert.Equal([1, 2, 3], items);
        Assert.Empty(host.Probe.Steps);
    }

    [Fact]
    public async Task Invalid_stream_request_yields_one_validation_failure_and_reaches_no_behavior_or_handler()
    {
        await using var host = new CatgaHost();
        var items = new List<CatgaResult<int>>();
        await foreach (var item in host.Mediator.CreateStream(new TrackedCount(0)))
        {
            items.Add(item);
        }

        var failure = Assert.Single(items);
        Assert.Equal(CatgaErrorCodes.Validation, failure.Error?.Code);
        Assert.Equal("To", Assert.Single(failure.Error!.FieldErrors).Path);
        Assert.Empty(host.Probe.Steps);
    }
}
