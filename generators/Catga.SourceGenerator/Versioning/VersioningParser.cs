using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Versioning
{
    /// <summary>Finds <c>IUpcastFrom&lt;TPrevious, TSelf&gt;</c> declarations and links them into chains of versions.</summary>
    internal static class VersioningParser
    {
        public const string UpcastInterface = "Catga.Versioning.IUpcastFrom`2";

        /// <summary>A cheap syntax test: a type whose base list names <c>IUpcastFrom&lt;,&gt;</c>.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken _)
            => node is TypeDeclarationSyntax { BaseList: { } list }
            && list.Types.Any(t => Rightmost(t.Type) is GenericNameSyntax { Identifier.ValueText: "IUpcastFrom", Arity: 2 });

        public static EquatableArray<UpcastEdgeSpec> Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type)
            {
                return EquatableArray<UpcastEdgeSpec>.Empty;
            }

            var edges = new List<UpcastEdgeSpec>();
            var location = LocationInfo.From(((TypeDeclarationSyntax)context.Node).Identifier.GetLocation());
            foreach (var contract in type.Interfaces)
            {
                if (!KnownTypes.Is(contract.OriginalDefinition, UpcastInterface) || contract.TypeArguments[0] is not INamedTypeSymbol previous)
                {
                    continue;
                }

                string next = TypeNames.FullyQualified(type);
                string previousName = TypeNames.FullyQualified(previous);
                string? problem = !IsEvent(type) ? $"'{TypeNames.Display(type)}' is not a [CatgaEvent]; versions with conversions are supported for events"
                    : !IsEvent(previous) ? $"'{TypeNames.Display(previous)}' is not a [CatgaEvent]; versions with conversions are supported for events"
                    : !SymbolEqualityComparer.Default.Equals(contract.TypeArguments[1], type) ? "the second type argument must be the declaring type itself"
                    : SymbolEqualityComparer.Default.Equals(previous, type) ? "a message cannot upcast from itself"
                    : Declaration(previous, cancellationToken) is null ? $"'{TypeNames.Display(previous)}' must be a partial, non-generic type declared in this project (in partial containing types), so the conversion can be generated on it"
                    : null;
                edges.Add(new UpcastEdgeSpec(problem is null ? Declaration(previous, cancellationToken) : null, previousName, next, problem, location));
            }

            return edges.ToEquatableArray();
        }

        /// <summary>Links the declarations into one chain per older version, reporting versions with two successors and cycles.</summary>
        public static VersioningSpec Build(IEnumerable<UpcastEdgeSpec> all)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var successors = new Dictionary<string, UpcastEdgeSpec>();
            foreach (var edge in all.OrderBy(e => e.Next, System.StringComparer.Ordinal))
            {
                if (edge.Problem is not null)
                {
                    diagnostics.Add(new DiagnosticInfo(VersioningDiagnostics.InvalidUpcast, edge.Location, new[] { Short(edge.Next), Short(edge.PreviousName), edge.Problem }.ToEquatableArray()));
                }
                else if (successors.TryGetValue(edge.PreviousName, out var first))
                {
                    diagnostics.Add(new DiagnosticInfo(VersioningDiagnostics.TwoSuccessors, edge.Location, new[] { Short(edge.PreviousName), Short(first.Next), Short(edge.Next) }.ToEquatableArray()));
                }
                else
                {
                    successors.Add(edge.PreviousName, edge);
                }
            }

            var chains = new List<UpcastChainSpec>();
            foreach (var start in successors.Values.OrderBy(e => e.PreviousName, System.StringComparer.Ordinal))
            {
                var chain = new List<string> { start.PreviousName };
                bool cycle = false;
                for (var current = start; current is not null; current = successors.TryGetValue(current.Next, out var next) ? next : null)
                {
                    if (chain.Contains(current.Next))
                    {
                        cycle = true;
                        break;
                    }

                    chain.Add(current.Next);
                }

                if (cycle)
                {
                    diagnostics.Add(new DiagnosticInfo(VersioningDiagnostics.VersionCycle, start.Location, new[] { Short(start.PreviousName), string.Join(" -> ", chain.Select(Short)) + " -> ..." }.ToEquatableArray()));
                    continue;
                }

                chains.Add(new UpcastChainSpec(start.Previous!, chain.ToEquatableArray()));
            }

            return new VersioningSpec(chains.ToEquatableArray(), diagnostics.ToEquatableArray());
        }

        private static MessageDeclarationSpec? Declaration(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.IsGenericType || !IsPartial(type, cancellationToken))
            {
                return null;
            }

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.IsGenericType || !IsPartial(outer, cancellationToken))
                {
                    return null;
                }

                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
            }

            return new MessageDeclarationSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                containing.ToEquatableArray(),
                Keyword(type),
                type.Name,
                TypeNames.FullyQualified(type));
        }

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
            => !type.DeclaringSyntaxReferences.IsEmpty
            && type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));

        private static bool IsEvent(INamedTypeSymbol type) => type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.EventAttribute));

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            _ => "class",
        };

        private static TypeSyntax Rightmost(TypeSyntax type) => type is QualifiedNameSyntax qualified ? qualified.Right : type;

        private static string Short(string name) => name.Replace("global::", string.Empty);
    }
}
