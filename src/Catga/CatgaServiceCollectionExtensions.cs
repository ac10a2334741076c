using Catga.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga;

/// <summary>Adds Catga to a service collection.</summary>
public static class CatgaServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Catga runtime and <see cref="ICatgaMediator"/>. Follow with the generated <c>AddGeneratedHandlers()</c>
    /// to register the handlers and pipelines the source generator found. Calling it again returns a builder over the
    /// same registration and applies <paramref name="configure"/> to the same options.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; they are validated immediately.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option has an invalid value; the message names it.</exception>
    public static CatgaBuilder AddCatga(this IServiceCollection services, Action<CatgaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        CatgaRegistry? registry = null;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(CatgaRegistry) && descriptor.ImplementationInstance is CatgaRegistry existing)
            {
                registry = existing;
                break;
            }
        }

        if (registry is null)
        {
            registry = new CatgaRegistry();
            services.AddSingleton(registry);
            services.TryAddSingleton(static sp => new CatgaRuntime(
                sp.GetRequiredService<CatgaRegistry>(),
                sp,
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
            // Transient: the mediator remembers the provider it was resolved from, so a scoped handler joins the
            // caller's scope, while a mediator resolved from the root creates a scope per call.
            services.TryAddTransient<ICatgaMediator>(static sp => new CatgaDispatcher(sp.GetRequiredService<CatgaRuntime>(), sp));
        }

        configure?.Invoke(registry.Options);
        registry.Options.Validate();
        return new CatgaBuilder(services, registry);
    }
}
