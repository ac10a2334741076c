using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Versioning
{
    /// <summary>How to declare a partial part of a message type: where it lives and its keyword.</summary>
    internal sealed record MessageDeclarationSpec(string? Namespace, EquatableArray<ContainingTypeSpec> ContainingTypes, string Keyword, string Name, string FullyQualifiedName);

    /// <summary>One <c>IUpcastFrom&lt;TPrevious, TSelf&gt;</c> declaration: <see cref="Next"/> converts from <see cref="Previous"/>.
    /// Compares by value.</summary>
    /// <param name="Previous">The previous version; null when it cannot be extended here (the problem is in <see cref="Problem"/>).</param>
    /// <param name="Next">The fully qualified name of the newer version.</param>
    /// <param name="Problem">Why the declaration cannot be used, or null.</param>
    internal sealed record UpcastEdgeSpec(MessageDeclarationSpec? Previous, string PreviousName, string Next, string? Problem, LocationInfo? Location);

    /// <summary>The generated conversion of one older version: the chain of versions up to the current one.</summary>
    internal sealed record UpcastChainSpec(MessageDeclarationSpec Message, EquatableArray<string> Chain);

    /// <summary>The chains to emit and the problems found while building them.</summary>
    internal sealed record VersioningSpec(EquatableArray<UpcastChainSpec> Chains, EquatableArray<DiagnosticInfo> Diagnostics);
}
