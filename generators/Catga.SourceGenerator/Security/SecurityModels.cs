using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Security
{
    /// <summary>A message marked [CatgaProtected]: where to declare its partial part and the protection it requires
    /// (the name of a <c>Catga.Security.MessageProtection</c> member). Compares by value.</summary>
    internal sealed record ProtectedMessageSpec(string? Namespace, EquatableArray<ContainingTypeSpec> ContainingTypes, string Keyword, string Name, string FullyQualifiedName, string Protection);
}
