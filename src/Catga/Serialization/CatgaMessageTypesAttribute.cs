using System.ComponentModel;

namespace Catga.Serialization;

/// <summary>
/// Emitted by the source generator on every assembly that declares message types: names the generated class that lists
/// them, so the registry of an application that references the assembly includes them (found at compile time).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class CatgaMessageTypesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="listType">The generated class with a static <c>Types</c> property.</param>
    public CatgaMessageTypesAttribute(Type listType) => ListType = listType;

    /// <summary>The generated class with a static <c>Types</c> property.</summary>
    public Type ListType { get; }
}
