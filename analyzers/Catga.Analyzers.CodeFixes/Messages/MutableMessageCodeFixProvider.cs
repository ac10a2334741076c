using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Catga.Analyzers.CodeFixes.Messages
{
    /// <summary>
    /// Fixes CATGA103: a <c>set</c> accessor becomes <c>init</c>, and a mutable field declared alone becomes an
    /// auto-property with <c>get; init;</c> that keeps its initializer, so object initializers still compile.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MutableMessageCodeFixProvider)), Shared]
    public sealed class MutableMessageCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA103.Init";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.MutableMessage.Id);

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
                var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
                SyntaxNode? oldNode = null;
                SyntaxNode? newNode = null;
                if (token.IsKind(SyntaxKind.SetKeyword) && token.Parent is AccessorDeclarationSyntax accessor)
                {
                    oldNode = accessor;
                    newNode = accessor
                        .WithKeyword(SyntaxFactory.Token(token.LeadingTrivia, SyntaxKind.InitKeyword, token.TrailingTrivia));
                }
                else if (token.Parent is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } } declarator)
                {
                    oldNode = field;
                    newNode = ToInitProperty(field, declarator);
                }

                if (oldNode is null || newNode is null)
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create("Make it init-only", _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(oldNode, newNode))), EquivalenceKey),
                    diagnostic);
            }
        }

        private static PropertyDeclarationSyntax ToInitProperty(FieldDeclarationSyntax field, VariableDeclaratorSyntax declarator)
        {
            var accessors = SyntaxFactory.AccessorList(SyntaxFactory.List(new[]
            {
                SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken)),
                SyntaxFactory.AccessorDeclaration(SyntaxKind.InitAccessorDeclaration).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken)),
            }));
            var property = SyntaxFactory.PropertyDeclaration(field.AttributeLists, field.Modifiers, field.Declaration.Type, null, declarator.Identifier.WithoutTrivia(), accessors);
            if (declarator.Initializer is { } initializer)
            {
                property = property
                    .WithInitializer(SyntaxFactory.EqualsValueClause(initializer.Value))
                    .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));
            }

            return property.WithTriviaFrom(field).WithAdditionalAnnotations(Formatter.Annotation);
        }
    }
}
