using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>
    /// CATGA347: the state type of a Saga&lt;TState&gt; (declared in this compilation) has a settable property, a writable
    /// field, or a member of a mutable collection type (array, List, Dictionary, HashSet), or more than
    /// <see cref="MaxMembers"/> instance properties. Reported once per saga, on the base type's state argument.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SagaStateShapeAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>More members than this makes every transition write a lot; split the saga or keep ids instead of data.</summary>
        public const int MaxMembers = 24;

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.StateShape);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            SagaSymbols.ForEachSaga(context, Analyze);
        }

        private static void Analyze(SymbolAnalysisContext context, SagaSymbols symbols, INamedTypeSymbol saga, ITypeSymbol stateType)
        {
            if (stateType is not INamedTypeSymbol state || state.Locations.All(l => !l.IsInSource))
            {
                return;
            }

            string? problem = Problem(state);
            if (problem is null)
            {
                return;
            }

            var location = saga.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
                .SelectMany(c => c.BaseList?.Types ?? default)
                .Select(t => t.GetLocation())
                .FirstOrDefault() ?? saga.Locations.FirstOrDefault();
            context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.StateShape, location, state.Name, problem));
        }

        private static string? Problem(INamedTypeSymbol state)
        {
            var properties = state.GetMembers().OfType<IPropertySymbol>().Where(p => !p.IsStatic && !p.IsImplicitlyDeclared && p.Name != "EqualityContract").ToList();
            foreach (var property in properties)
            {
                if (property.SetMethod is { IsInitOnly: false, DeclaredAccessibility: not Accessibility.Private })
                {
                    return $"is mutable: '{property.Name}' has a setter; make it init-only (a record's positional members are)";
                }

                if (IsMutableCollection(property.Type))
                {
                    return $"is mutable: '{property.Name}' is a {property.Type.Name}, which can be changed in place; use an ImmutableArray, ImmutableList or ImmutableDictionary";
                }
            }

            foreach (var field in state.GetMembers().OfType<IFieldSymbol>())
            {
                if (!field.IsStatic && !field.IsConst && !field.IsReadOnly && !field.IsImplicitlyDeclared)
                {
                    return $"is mutable: field '{field.Name}' is not readonly";
                }
            }

            return properties.Count > MaxMembers
                ? $"is large: {properties.Count} properties, more than {MaxMembers}; every transition stores all of it, so keep ids and references instead of copies of data"
                : null;
        }

        private static bool IsMutableCollection(ITypeSymbol type)
            => type is IArrayTypeSymbol
            || type.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.List<T>" or "System.Collections.Generic.Dictionary<TKey, TValue>" or "System.Collections.Generic.HashSet<T>";
    }
}
