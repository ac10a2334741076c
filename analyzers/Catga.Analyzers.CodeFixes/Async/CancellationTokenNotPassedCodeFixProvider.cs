using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Catga.Analyzers.Async;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.Analyzers.CodeFixes.Async
{
    /// <summary>Fixes CATGA104 by passing the token in scope: appended positionally, or named where a position would not reach it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CancellationTokenNotPassedCodeFixProvider)), Shared]
    public sealed class CancellationTokenNotPassedCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA104.PassToken";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.CancellationTokenNotPassed.Id);

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
                if (invocation is null || !diagnostic.Properties.TryGetValue(CancellationTokenNotPassedAnalyzer.TokenProperty, out var token) || token is null)
                {
                    continue;
                }

                var argument = SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token));
                if (diagnostic.Properties.TryGetValue(CancellationTokenNotPassedAnalyzer.ParameterProperty, out var parameter) && parameter is not null)
                {
                    argument = argument.WithNameColon(SyntaxFactory.NameColon(parameter));
                }

                var fixedRoot = root.ReplaceNode(invocation.ArgumentList, invocation.ArgumentList.AddArguments(argument));
                var document = context.Document;
                context.RegisterCodeFix(CodeAction.Create($"Pass '{token}'", _ => Task.FromResult(document.WithSyntaxRoot(fixedRoot)), EquivalenceKey), diagnostic);
            }
        }
    }
}
