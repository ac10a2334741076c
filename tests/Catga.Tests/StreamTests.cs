using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class StreamTests
{
    [Fact]
    public async Task Stream_yields_every_item_as_a_successful_result()
    {
        await using var host = new CatgaHost();
        var items = new List<int>();
        await foreach (var item in host.Mediator.CreateStream(new Count(3)))
        {
            items.Add(item.Value);
        }

        Assert.Equal([1, 2, 3], items);
    }

    [Fact]
    public async Task Handler_exception_ends_the_stream_with_one_failed_result()
    {
        await using var host = new CatgaHost();
        var items = new List<CatgaResult<int>>();
        await foreach (var item in host.Mediator.CreateStream(new Count(5, ThrowAt: 3)))
        {
            items.Add(item);
        }

        Assert.Equal(3, items.Count);
        Assert.Equal([1, 2], items.Take(2).Select(i => i.Value));
        Assert.Equal(CatgaErrorCodes.HandlerException, items[2].Error?.Code);
        Assert.Equal("failed at 3", items[2].Error!.Exception!.Message);
    }

    [Fact]
    public async Task Stream_without_handler_yields_one_NoHandler_failure()
    {
        await using var host = new CatgaHost(generated: false);
        var items = new List<CatgaResult<int>>();
        await foreach (var item in host.Mediator.CreateStream(new Count(2)))
        {
            items.Add(item);
        }

        Assert.Equal(CatgaErrorCodes.NoHandler, Assert.Single(items).Error?.Code);
    }

    [Fact]
    public async Task Cancellation_from_CreateStream_and_WithCancellation_both_reach_the_handler()
    {
        await using var host = new CatgaHost();
        using var create = new CancellationTokenSource();
        using var enumerate = new CancellationTokenSource();
        var items = new List<CatgaResult<int>>();
        await foreach (var item in host.Mediator.CreateStream(new Count(100), create.Token).WithCancellation(enumerate.Token))
        {
            items.Add(item);
            if (items.Count == 2)
            {
                await enumerate.CancelAsync();
            }
        }

        Assert.Equal(3, items.Count);
        Assert.Equal(CatgaErrorCodes.Cancelled, items[2].Error?.Code);
    }

    [Fact]
    public async Task Stream_can_be_enumerated_twice()
    {
        await using var host = new CatgaHost();
        var stream = host.Mediator.CreateStream(new Count(2));
        int total = 0;
        await foreach (var item in stream)
        {
            total += item.Value;
        }

        await foreach (var item in stream)
        {
            total += item.Value;
        }

        Assert.Equal(6, total);
    }
}
