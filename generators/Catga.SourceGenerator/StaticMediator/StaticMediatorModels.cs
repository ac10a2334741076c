using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.StaticMediator
{
    /// <summary>A class marked [CatgaMediator]: where to emit its other part. Equal when the emitted part would be.</summary>
    /// <param name="Namespace">The class's namespace, or <see langword="null"/> for the global namespace.</param>
    /// <param name="Name">The class's name.</param>
    /// <param name="IsPublic">Whether the class is public (its overloads for public requests are then public too).</param>
    internal sealed record MediatorSpec(string? Namespace, string Name, bool IsPublic)
    {
        /// <summary>The class's fully qualified name.</summary>
        public string FullName => "global::" + (Namespace is null ? Name : Namespace + "." + Name);
    }

    /// <summary>What parsing one [CatgaMediator] class gives: the spec when the class can be completed, its diagnostics.</summary>
    internal sealed record MediatorParseResult(MediatorSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>One typed <c>SendAsync</c> overload: a request handled in this project and how its pipeline runs.</summary>
    /// <param name="Pipeline">The request's pipeline, as the module emits it.</param>
    /// <param name="IsPublic">Whether the request type is public (otherwise the overload is internal).</param>
    internal sealed record MediatorRequestSpec(PipelineSpec Pipeline, bool IsPublic);

    /// <summary>Everything the mediators file is made of. Equal when the file would be identical.</summary>
    /// <param name="Mediators">The [CatgaMediator] classes of this project, by name.</param>
    /// <param name="Requests">The requests handled in this project, by type.</param>
    /// <param name="Assembly">The project, for the module that registers the mediators.</param>
    /// <param name="HasOwnModule">Whether the project has a generated module to register them from.</param>
    internal sealed record MediatorsFileSpec(EquatableArray<MediatorSpec> Mediators, EquatableArray<MediatorRequestSpec> Requests, AssemblySpec Assembly, bool HasOwnModule);
}
