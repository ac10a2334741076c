namespace Catga;

/// <summary>
/// Asks the source generator to make a <c>partial class</c> a statically bound mediator for the requests handled in this
/// project: one <c>SendAsync</c> overload per request type, which calls the pipeline composed at compile time without any
/// lookup, and forwards everything else to <see cref="ICatgaMediator"/>. It runs the same behaviors and validators and
/// returns the same results as <see cref="ICatgaMediator"/>. <c>AddGeneratedHandlers()</c> registers it (transient, like
/// <see cref="ICatgaMediator"/>), so it can be injected anywhere, including projects that reference this one.
/// </summary>
/// <example>
/// <code>
/// [CatgaMediator]
/// public partial class ShopMediator;
///
/// // In a service: ShopMediator mediator (injected)
/// CatgaResult&lt;OrderId&gt; placed = await mediator.SendAsync(new PlaceOrder(cart));
/// </code>
/// </example>
/// <remarks>The class must be a top-level, non-generic, non-static partial class that declares no constructor
/// (CATGA375 otherwise).</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaMediatorAttribute : Attribute
{
}
