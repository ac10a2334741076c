using Catga.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests;

/// <summary>The generated [CatgaMediator] runs the same behaviors and validators as ICatgaMediator and gives the same results.</summary>
public sealed class StaticMediatorTests
{
    [Theory]
    [InlineData(Mode.Normal)]
    [InlineData(Mode.ThrowSync)]
    [InlineData(Mode.ThrowAsync)]
    [InlineData(Mode.ReturnFailure)]
    public async Task A_typed_send_runs_the_same_behaviors_and_returns_the_same_result_as_ICatgaMediator(Mode mode)
    {
        await using var host = new CatgaHost();
        var typed = host.Provider.GetRequiredService<TestMediator>();

        var viaTyped = await typed.SendAsync(new Add(2, 3, mode));
        var typedSteps = host.Probe.Steps;
        await using var other = new CatgaHost();
        var viaInterface = await other.Mediator.SendAsync(new Add(2, 3, mode));

        Assert.Equal(viaInterface.IsSuccess, viaTyped.IsSuccess);
        Assert.Equal(viaInterface.ValueOrDefault, viaTyped.ValueOrDefault);
        Assert.Equal(viaInterface.Error?.Code, viaTyped.Error?.Code);
        Assert.Equal(viaInterface.Error?.Exception?.Message, viaTyped.Error?.Exception?.Message);
        Assert.Equal(other.Probe.Steps, typedSteps);
        Assert.Contains(typedSteps, s => s.StartsWith("outer:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_typed_send_runs_the_validators_and_an_invalid_request_never_reaches_the_handler()
    {
        await using var host = new CatgaHost();
        var typed = host.Provider.GetRequiredService<TestMediator>();

        var result = await typed.SendAsync(new SubmitOrder { CustomerId = " ", Total = 0m });

        Assert.Equal("Catga.Validation", result.Error?.Code);
        Assert.NotEmpty(result.Error!.FieldErrors);
        Assert.DoesNotContain(host.Probe.Steps, s => s.StartsWith("submit:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_without_a_value_keeps_the_ICatgaMediator_result_shape()
    {
        await using var host = new CatgaHost();
        var typed = host.Provider.GetRequiredService<TestMediator>();

        CatgaResult result = await typed.SendAsync(new Touch("x"));

        Assert.True(result.IsSuccess);
        Assert.Contains("touch:x", host.Probe.Steps);
    }
}
