using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Fixtures;

/// <summary>A service provider with the generated registrations of this test project and its library.</summary>
public sealed class CatgaHost : IAsyncDisposable
{
    public CatgaHost(Action<CatgaOptions>? configure = null, bool generated = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Probe);
        services.AddScoped<ScopedDependency>();
        var builder = services.AddCatga(configure);
        if (generated)
        {
            builder.AddGeneratedHandlers();
        }

        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Mediator = Provider.GetRequiredService<ICatgaMediator>();
    }

    public Probe Probe { get; } = new();

    public ServiceProvider Provider { get; }

    public ICatgaMediator Mediator { get; }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
