using Microsoft.Extensions.DependencyInjection;

namespace Catga;

/// <summary>
/// Optional settings for a handler class. Handlers are found without it; use it to change the lifetime or, for
/// event handlers, the order in which handlers of one event run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaHandlerAttribute : Attribute
{
    /// <summary>The lifetime of the handler in the service container. Singleton by default, which allocates nothing per call.
    /// A scoped handler gets the caller's scope, or a new scope per call when none is active.</summary>
    public ServiceLifetime Lifetime { get; set; } = ServiceLifetime.Singleton;

    /// <summary>For event handlers: handlers of one event run in ascending order; ties are broken by the handler's full name.</summary>
    public int Order { get; set; }
}
