using Catga.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests;

public sealed class LifetimeTests
{
    [Fact]
    public async Task Scoped_handler_gets_a_new_scope_per_call_when_resolved_from_the_root()
    {
        await using var host = new CatgaHost();
        var first = await host.Mediator.SendAsync(new WhoHandles("a"));
        var second = await host.Mediator.SendAsync(new WhoHandles("b"));
        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, host.Probe.Instances.Distinct().Count());
    }

    [Fact]
    public async Task Scoped_handler_joins_the_callers_scope()
    {
        await using var host = new CatgaHost();
        await using var scope = host.Provider.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<ICatgaMediator>();
        var first = await mediator.SendAsync(new WhoHandles("a"));
        var second = await mediator.SendAsync(new WhoHandles("b"));
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(scope.ServiceProvider.GetRequiredService<ScopedDependency>().Id, first.Value);
        Assert.Single(host.Probe.Instances.Distinct());
    }

    [Fact]
    public async Task Per_call_scope_is_disposed_after_the_call()
    {
        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new WhoHandles("a"));
        var handler = Assert.IsType<WhoHandlesHandler>(Assert.Single(host.Probe.Instances));
        Assert.True(handler.Dependency.Disposed);
    }

    [Fact]
    public async Task Transient_handler_is_created_for_every_call()
    {
        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new TransientProbe());
        await host.Mediator.SendAsync(new TransientProbe());
        Assert.Equal(2, host.Probe.Instances.Distinct().Count());
    }

    [Fact]
    public async Task Singleton_handler_is_shared_by_every_call_and_scope()
    {
        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new Library.ReserveStock("s", 1));
        await using var scope = host.Provider.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ICatgaMediator>().SendAsync(new Library.ReserveStock("s", 1));
        Assert.Equal(2, result.Value);
    }

    [Fact]
    public async Task Registering_the_generated_handlers_twice_registers_them_once()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Probe());
        services.AddScoped<ScopedDependency>();
        services.AddCatga().AddGeneratedHandlers();
        int count = services.Count;
        services.AddCatga().AddGeneratedHandlers();
        Assert.Equal(count, services.Count);
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<ICatgaMediator>().SendAsync(new Add(1, 1));
        Assert.Equal(2, result.Value);
    }

    [Fact]
    public async Task Registrations_cannot_change_after_the_mediator_is_resolved()
    {
        var services = new ServiceCollection();
        var builder = services.AddCatga();
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ICatgaMediator>();
        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddGeneratedHandlers());
        Assert.Contains("cannot change", ex.Message);
    }

    [Fact]
    public void Invalid_publish_mode_is_rejected_naming_the_option()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddCatga(o => o.PublishMode = (EventPublishMode)7));
        Assert.Contains("PublishMode", ex.Message);
    }
}
