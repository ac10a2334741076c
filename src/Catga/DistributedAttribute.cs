namespace Catga;

/// <summary>
/// Marks a command that crosses a process boundary: it is sent over a transport and may be delivered more than once
/// (at-least-once delivery, retries after a timeout). Such a command must also say how duplicates are handled, with
/// <see cref="IdempotentAttribute"/> or <see cref="NaturallyIdempotentAttribute"/>; the analyzer rule CATGA108 checks it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class DistributedAttribute : Attribute
{
}
