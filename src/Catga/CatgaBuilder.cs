using System.ComponentModel;
using Catga.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Catga;

/// <summary>Configures Catga in a service collection. Returned by <see cref="CatgaServiceCollectionExtensions.AddCatga"/>;
/// the generated <c>AddGeneratedHandlers()</c> extends it.</summary>
public sealed class CatgaBuilder
{
    internal CatgaBuilder(IServiceCollection services, CatgaRegistry registry)
    {
        Services = services;
        Registry = registry;
    }

    /// <summary>The service collection Catga registers into.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The registry that generated code adds handlers and pipelines to. Not meant for hand-written code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CatgaRegistry Registry { get; }
}
