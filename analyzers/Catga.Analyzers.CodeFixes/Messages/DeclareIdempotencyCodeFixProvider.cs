using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Messages
{
    /// <summary>
    /// Fixes CATGA108 with one of two choices, each with its own equivalence key so Fix All applies the one chosen:
    /// <c>[Idempotent]</c> (deduplicated by the inbox, the safe default, offered first) or <c>[NaturallyIdempotent]</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareIdempotencyCodeFixProvider)), Shared]
    public sealed class DeclareIdempotencyCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the [Idempotent] fix.</summary>
        internal const string IdempotentKey = "CATGA108.Idempotent";

        /// <summary>The equivalence key of the [NaturallyIdempotent] fix.</summary>
        internal const string NaturallyIdempotentKey = "CATGA108.NaturallyIdempotent";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.UndeclaredIdempotency.Id);

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
                if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax type)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Mark it [Idempotent] (the inbox drops duplicates)", _ => Task.FromResult(AddAttribute(document, root, type, "Idempotent")), IdempotentKey),
                    diagnostic);
                context.RegisterCodeFix(
                    CodeAction.Create("Mark it [NaturallyIdempotent]", _ => Task.FromResult(AddAttribute(document, root, type, "NaturallyIdempotent")), NaturallyIdempotentKey),
                    diagnostic);
            }
        }

        private static Document AddAttribute(Document document, SyntaxNode root, TypeDeclarationSyntax type, string name)
        {
            var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::Catga." + name))))
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            var updated = type.AttributeLists.Count == 0
                ? type.WithoutLeadingTrivia().AddAttributeLists(attribute.WithLeadingTrivia(type.GetLeadingTrivia()))
                : type.AddAttributeLists(attribute);
            return document.WithSyntaxRoot(root.ReplaceNode(type, updated));
        }
    }
}
