using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// Emitted by the source generator on an assembly for each of its public pipeline behaviors. The generator in a
/// referencing project reads it and applies the behavior to that project's requests as well, so a behavior in a shared
/// library wraps the handlers of every project that references the library. Internal behaviors stay in their project.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class CatgaSharedBehaviorAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="behaviorType">The behavior class; an open generic type for a generic behavior.</param>
    public CatgaSharedBehaviorAttribute(Type behaviorType) => BehaviorType = behaviorType;

    /// <summary>The behavior class.</summary>
    public Type BehaviorType { get; }
}
