using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class PublishTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Handlers_run_sequentially_in_compile_time_order(bool async)
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Happened("x", Async: async));
        Assert.True(result.IsSuccess);
        Assert.Equal(["first:x", "second:x", "third:x"], host.Probe.Steps);
    }

    [Theory]
    [InlineData(EventPublishMode.Sequential, false)]
    [InlineData(EventPublishMode.Sequential, true)]
    [InlineData(EventPublishMode.Concurrent, false)]
    [InlineData(EventPublishMode.Concurrent, true)]
    public async Task Every_handler_runs_when_some_fail_and_the_failures_are_aggregated(EventPublishMode mode, bool async)
    {
        await using var host = new CatgaHost(o => o.PublishMode = mode);
        var result = await host.Mediator.PublishAsync(new Happened("y", FailSecond: true, FailThird: true, Async: async));
        Assert.Equal(3, host.Probe.Steps.Count);
        Assert.Equal(CatgaErrorCodes.EventHandlerFailed, result.Error?.Code);
        Assert.Equal(2, result.Error!.InnerErrors.Count);
        Assert.Contains(result.Error.InnerErrors, e => e.Message.Contains("SecondHappenedHandler") && e.Exception is InvalidOperationException);
        Assert.Contains(result.Error.InnerErrors, e => e.Message.Contains("ThirdHappenedHandler") && e.Exception is TimeoutException);
        Assert.IsType<AggregateException>(result.Error.Exception);
        Assert.StartsWith("2 of 3 handlers", result.Error.Message);
    }

    [Theory]
    [InlineData(Mode.Normal)]
    [InlineData(Mode.Yield)]
    public async Task An_event_with_one_handler_reaches_it_whether_it_completes_at_once_or_later(Mode mode)
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Lone("a", mode));
        Assert.True(result.IsSuccess);
        Assert.Equal(["lone:a"], host.Probe.Steps);
    }

    [Theory]
    [InlineData(Mode.ThrowSync, "sync lone")]
    [InlineData(Mode.ThrowAsync, "async lone")]
    public async Task The_exception_of_an_only_handler_becomes_an_EventHandlerFailed_result_that_keeps_it(Mode mode, string message)
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Lone("a", mode));
        Assert.Equal(CatgaErrorCodes.EventHandlerFailed, result.Error?.Code);
        Assert.Equal(message, Assert.IsType<InvalidOperationException>(result.Error!.Exception).Message);
        var inner = Assert.Single(result.Error.InnerErrors);
        Assert.Contains("LoneHandler", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_publish_to_an_only_handler_returns_Cancelled_without_calling_it()
    {
        await using var host = new CatgaHost();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var result = await host.Mediator.PublishAsync(new Lone("a"), cancelled.Token);
        Assert.Equal(CatgaErrorCodes.Cancelled, result.Error?.Code);
        Assert.Empty(host.Probe.Steps);
    }

    [Fact]
    public async Task Single_failure_keeps_its_exception_directly()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Happened("z", FailSecond: true));
        Assert.IsType<InvalidOperationException>(result.Error?.Exception);
        Assert.Single(result.Error!.InnerErrors);
    }

    [Fact]
    public async Task Concurrent_mode_runs_handlers_at_the_same_time()
    {
        // RendezvousWaiter runs first and waits until RendezvousOpener has run: only possible concurrently.
        await using var host = new CatgaHost(o => o.PublishMode = EventPublishMode.Concurrent);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await host.Mediator.PublishAsync(new Rendezvous(), timeout.Token);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(["opener", "waiter"], host.Probe.Steps);
    }

    [Fact]
    public async Task Sequential_mode_waits_for_each_handler_before_starting_the_next()
    {
        await using var host = new CatgaHost();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var result = await host.Mediator.PublishAsync(new Rendezvous(), timeout.Token);
        // The waiter never sees the opener, so cancellation ends it and the sequence stops before the opener.
        Assert.Equal(CatgaErrorCodes.Cancelled, result.Error?.Code);
        Assert.Equal(CatgaErrorCodes.Cancelled, Assert.Single(result.Error!.InnerErrors).Code);
        Assert.Empty(host.Probe.Steps);
    }

    [Fact]
    public async Task Event_without_handlers_succeeds()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.PublishAsync(new Unobserved("nobody"));
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task Handlers_from_the_library_and_the_host_both_receive_the_event()
    {
        await using var host = new CatgaHost();
        await host.Mediator.PublishAsync(new Library.StockReserved("sku", 1));
        Assert.Equal(["host:sku"], host.Probe.Steps);
        var counter = (Library.StockReservedCounter)host.Provider.GetService(typeof(Library.StockReservedCounter))!;
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task Cancelled_publish_returns_Cancelled_without_calling_handlers()
    {
        await using var host = new CatgaHost();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = await host.Mediator.PublishAsync(new Happened("c"), cts.Token);
        Assert.Equal(CatgaErrorCodes.Cancelled, result.Error?.Code);
        Assert.Empty(host.Probe.Steps);
    }
}
