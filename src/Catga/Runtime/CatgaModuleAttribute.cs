using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>Emitted by the source generator on every assembly that contains Catga handlers or behaviors. It names the
/// generated module class, so the generator in a referencing project can register that assembly's handlers too.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class CatgaModuleAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="moduleType">The generated module class, which has a static <c>Register(CatgaBuilder)</c> method.</param>
    public CatgaModuleAttribute(Type moduleType) => ModuleType = moduleType;

    /// <summary>The generated module class.</summary>
    public Type ModuleType { get; }
}
