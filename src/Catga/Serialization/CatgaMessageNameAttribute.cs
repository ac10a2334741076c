namespace Catga.Serialization;

/// <summary>
/// Sets the stable name a message type has on the wire, for example <c>[CatgaMessageName("orders.placed.v1")]</c>.
/// Without it the name is the namespace-qualified type name (<c>Shop.Orders.OrderPlaced</c>).
/// </summary>
/// <remarks>
/// Transports send this name with every message and the receiver finds the type through the generated
/// <see cref="MessageTypeRegistry"/>, so renaming or moving a type that declares its name keeps the wire compatible.
/// Two message types with the same name in one assembly are a compile-time error (CATGA201).
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class CatgaMessageNameAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The stable wire name of the message type.</param>
    public CatgaMessageNameAttribute(string name) => Name = name;

    /// <summary>The stable wire name of the message type.</summary>
    public string Name { get; }
}
