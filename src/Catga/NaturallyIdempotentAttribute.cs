namespace Catga;

/// <summary>
/// Declares that handling this command twice has the same effect as handling it once (for example "set the price to
/// 10", as opposed to "add 10 to the price"), so duplicates need no deduplication. The author of the handler vouches
/// for it; nothing checks the handler's code.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class NaturallyIdempotentAttribute : Attribute
{
}
