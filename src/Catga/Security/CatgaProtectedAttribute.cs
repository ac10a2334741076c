namespace Catga.Security;

/// <summary>
/// Requires a message type to be signed or encrypted whenever it crosses a transport. The generator compiles it into
/// the type's registry entry (<see cref="Serialization.MessageTypeInfo.Protection"/>); senders protect it and receivers
/// dead-letter a copy that arrives without the protection. Needs <c>UseMessageSecurity</c> (see docs/security.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class CatgaProtectedAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="protection">The protection the message requires.</param>
    public CatgaProtectedAttribute(MessageProtection protection = MessageProtection.Encrypted) => Protection = protection;

    /// <summary>The protection the message requires.</summary>
    public MessageProtection Protection { get; }
}
