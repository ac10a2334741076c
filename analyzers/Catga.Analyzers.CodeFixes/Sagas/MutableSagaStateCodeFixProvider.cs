using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Catga.Analyzers.Sagas;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.Analyzers.CodeFixes.Sagas
{
    /// <summary>
    /// Fixes CATGA347 when the saga state is mutable because of property setters: every public, internal or protected
    /// <c>set</c> accessor of the state type's own properties becomes <c>init</c> (object initializers and
    /// <c>with</c> expressions still compile). The other causes (a mutable collection, a writable field, too many
    /// members) need a design decision, so no fix is offered for them.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MutableSagaStateCodeFixProvider)), Shared]
    public sealed class MutableSagaStateCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA347.Init";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SagaDescriptors.StateShape.Id);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var declaration = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ClassDeclarationSyntax>();
                if (declaration is null || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } saga || StateOf(saga) is not { } state)
                {
                    continue;
                }

                var setters = Setters(state, context.CancellationToken);
                if (setters.IsEmpty)
                {
                    continue;
                }

                var solution = context.Document.Project.Solution;
                context.RegisterCodeFix(
                    CodeAction.Create($"Make the setters of {state.Name} init-only", ct => MakeInitOnlyAsync(solution, setters, ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static INamedTypeSymbol? StateOf(INamedTypeSymbol saga)
        {
            for (var b = saga.BaseType; b is not null; b = b.BaseType)
            {
                if (b.OriginalDefinition.ToDisplayString() == "Catga.Sagas.Saga<TState>")
                {
                    return b.TypeArguments[0] as INamedTypeSymbol;
                }
            }

            return null;
        }

        /// <summary>The non-private <c>set</c> accessors declared in source on the state's own properties.</summary>
        private static ImmutableArray<AccessorDeclarationSyntax> Setters(INamedTypeSymbol state, CancellationToken cancellationToken)
            => state.GetMembers().OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && p.SetMethod is { IsInitOnly: false, DeclaredAccessibility: not Accessibility.Private })
                .SelectMany(p => p.SetMethod!.DeclaringSyntaxReferences)
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<AccessorDeclarationSyntax>()
                .Where(a => a.Keyword.IsKind(SyntaxKind.SetKeyword))
                .ToImmutableArray();

        private static async Task<Solution> MakeInitOnlyAsync(Solution solution, ImmutableArray<AccessorDeclarationSyntax> setters, CancellationToken cancellationToken)
        {
            foreach (var group in setters.GroupBy(s => s.SyntaxTree))
            {
                if (solution.GetDocument(group.Key) is not { } document || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
                {
                    continue;
                }

                var updated = root.ReplaceNodes(group, static (old, _) => old.WithKeyword(SyntaxFactory.Token(old.Keyword.LeadingTrivia, SyntaxKind.InitKeyword, old.Keyword.TrailingTrivia)));
                solution = solution.WithDocumentSyntaxRoot(document.Id, updated);
            }

            return solution;
        }
    }
}
