namespace Catga.Sagas;

/// <summary>
/// Marks a <c>partial</c> class deriving from <see cref="Saga{TState}"/> as a saga. The source generator emits its
/// correlation dispatch, its (state x message) handler table, its registration and a Mermaid diagram of its states.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SagaAttribute : Attribute
{
    /// <summary>The name instances are stored under. Defaults to the class name; set it to rename the class without
    /// losing stored instances.</summary>
    public string? Name { get; set; }
}
