using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class SendTests
{
    [Fact]
    public async Task Command_with_result_returns_the_handler_value()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Add(2, 3));
        Assert.True(result.IsSuccess);
        Assert.Equal(5, result.Value);
    }

    [Fact]
    public async Task Command_without_result_succeeds_and_reaches_its_handler()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Touch("x"));
        Assert.True(result.IsSuccess);
        Assert.Contains("touch:x", host.Probe.Steps);
    }

    [Fact]
    public async Task Query_returns_the_handler_value_after_its_type_specific_behavior()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Echo("hi"));
        Assert.Equal("HI", result.Value);
    }

    [Fact]
    public async Task Expected_failure_keeps_its_code_and_has_no_exception()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Add(1, 1, Mode.ReturnFailure));
        Assert.True(result.IsFailure);
        Assert.Equal("Math.Refused", result.Error.Code);
        Assert.Null(result.Error.Exception);
        var ex = Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.Contains("Math.Refused", ex.Message);
    }

    [Theory]
    [InlineData(Mode.ThrowSync, "sync boom")]
    [InlineData(Mode.ThrowAsync, "async boom")]
    public async Task Handler_exception_becomes_a_failed_result_that_keeps_it(Mode mode, string message)
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Add(1, 1, mode));
        Assert.Equal(CatgaErrorCodes.HandlerException, result.Error?.Code);
        var exception = Assert.IsType<InvalidOperationException>(result.Error!.Exception);
        Assert.Equal(message, exception.Message);
        // Behaviors see the failure as a result, not as an exception.
        Assert.Contains("outer:after:" + CatgaErrorCodes.HandlerException, host.Probe.Steps);
    }

    [Fact]
    public async Task Exception_in_a_command_without_result_becomes_a_failed_result()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Touch("y", Mode.ThrowSync));
        Assert.Equal(CatgaErrorCodes.HandlerException, result.Error?.Code);
        Assert.IsType<FormatException>(result.Error!.Exception);
    }

    [Fact]
    public async Task Expected_failure_of_a_command_without_result_keeps_its_code()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Touch("z", Mode.ReturnFailure));
        Assert.Equal("Touch.Refused", result.Error?.Code);
    }

    [Fact]
    public async Task Asynchronously_completing_handler_returns_its_value()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Add(20, 22, Mode.Yield));
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public async Task Request_without_registered_handler_fails_with_NoHandler_naming_the_type()
    {
        await using var host = new CatgaHost(generated: false);
        var result = await host.Mediator.SendAsync(new Add(1, 2));
        Assert.Equal(CatgaErrorCodes.NoHandler, result.Error?.Code);
        Assert.Contains("Catga.Tests.Fixtures.Add", result.Error!.Message);
    }

    [Fact]
    public async Task Message_nested_in_a_partial_class_is_dispatched()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new Container.InnerCommand(41));
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public async Task Message_without_attribute_is_dispatched_by_runtime_type()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(new PlainQuery(21));
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public async Task Handler_in_a_referenced_project_is_registered_by_the_host()
    {
        await using var host = new CatgaHost();
        var first = await host.Mediator.SendAsync(new Library.ReserveStock("sku-1", 2));
        var second = await host.Mediator.SendAsync(new Library.ReserveStock("sku-1", 3));
        Assert.Equal(2, first.Value);
        Assert.Equal(5, second.Value);
    }

    [Fact]
    public async Task Null_request_is_rejected_with_ArgumentNullException()
    {
        await using var host = new CatgaHost();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await host.Mediator.SendAsync<int>(null!));
    }
}
