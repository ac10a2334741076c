using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.Analyzers.CodeFixes.Messages
{
    /// <summary>
    /// Fixes the generator's CATGA004 ("Catga message type cannot be generated") when the reason is a missing
    /// <c>partial</c>: adds it to the message type and to every containing type that lacks it. The generator stays
    /// the one source of the diagnostic; the analyzers add no second rule for it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFixProvider)), Shared]
    public sealed class AddPartialCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA004.AddPartial";

        /// <summary>The ID of the generator's InvalidMessage descriptor (generators/Catga.SourceGenerator).</summary>
        private const string InvalidMessageId = "CATGA004";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(InvalidMessageId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                // The generator reports CATGA004 on the identifier of the message type.
                if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax type)
                {
                    continue;
                }

                var missing = type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
                if (missing.Count == 0)
                {
                    continue;
                }

                var document = context.Document;
                var fixedRoot = root.ReplaceNodes(missing, (_, rewritten) => AddPartial(rewritten));
                context.RegisterCodeFix(CodeAction.Create("Make it partial", _ => Task.FromResult(document.WithSyntaxRoot(fixedRoot)), EquivalenceKey), diagnostic);
            }
        }

        private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
        {
            // 'partial' must come last among the modifiers, right before the type keyword.
            if (type.Modifiers.Count > 0)
            {
                return type.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            }

            var keyword = type.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }
    }
}
