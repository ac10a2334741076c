using Microsoft.Extensions.DependencyInjection;

namespace Catga;

/// <summary>Optional settings for a pipeline behavior: its position and its lifetime.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineBehaviorAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="order">Behaviors run in ascending order, the lowest outermost; ties are broken by the behavior's full name.</param>
    public PipelineBehaviorAttribute(int order = 0) => Order = order;

    /// <summary>Behaviors run in ascending order, the lowest outermost; ties are broken by the behavior's full name.</summary>
    public int Order { get; }

    /// <summary>The lifetime of the behavior in the service container. Singleton by default.</summary>
    public ServiceLifetime Lifetime { get; set; } = ServiceLifetime.Singleton;
}
