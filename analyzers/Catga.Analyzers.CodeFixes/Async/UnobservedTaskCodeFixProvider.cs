using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Catga.Analyzers.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.Analyzers.CodeFixes.Async
{
    /// <summary>Fixes CATGA102 by awaiting the dropped task, making the enclosing method async when it is not.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnobservedTaskCodeFixProvider)), Shared]
    public sealed class UnobservedTaskCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA102.Await";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.UnobservedTask.Id);

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
                var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(i => i.Span == diagnostic.Location.SourceSpan);
                if (invocation is null)
                {
                    continue;
                }

                var awaited = SyntaxFactory.AwaitExpression(invocation.WithoutTrivia());
                if (await AsyncRewriter.ReplaceWithAwaitAsync(context.Document, invocation, awaited, context.CancellationToken).ConfigureAwait(false) is not { } fixedDocument)
                {
                    continue;
                }

                context.RegisterCodeFix(CodeAction.Create("Await the task", _ => Task.FromResult(fixedDocument), EquivalenceKey), diagnostic);
            }
        }
    }
}
