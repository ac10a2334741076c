using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Async
{
    /// <summary>
    /// Fixes CATGA100 by awaiting: <c>t.Result</c> and <c>t.GetAwaiter().GetResult()</c> become <c>await t</c>,
    /// <c>t.Wait()</c> becomes <c>await t</c>, <c>Task.WaitAll(a, b)</c> becomes <c>await Task.WhenAll(a, b)</c> and
    /// <c>Thread.Sleep(d)</c> becomes <c>await Task.Delay(d, token)</c>. Calls with a timeout or token, and WaitAny
    /// (which returns an index), have no mechanical rewrite and get no fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingCallCodeFixProvider)), Shared]
    public sealed class BlockingCallCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA100.Await";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.BlockingCall.Id);

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
                if (!diagnostic.Properties.TryGetValue(BlockingCallAnalyzer.KindProperty, out var kind) || kind is null)
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var target = node.AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == diagnostic.Location.SourceSpan);
                if (target is null)
                {
                    continue;
                }

                // Computed here rather than when the fix is applied, so no fix is offered where there is no faithful rewrite.
                if (await FixAsync(context.Document, target, kind, context.CancellationToken).ConfigureAwait(false) is not { } fixedDocument)
                {
                    continue;
                }

                context.RegisterCodeFix(CodeAction.Create("Await instead of blocking", _ => Task.FromResult(fixedDocument), EquivalenceKey), diagnostic);
            }
        }

        private static async Task<Document?> FixAsync(Document document, ExpressionSyntax target, string kind, CancellationToken cancellationToken)
        {
            var awaiting = await AwaitingFormAsync(document, target, kind, cancellationToken).ConfigureAwait(false);
            return awaiting is null ? null : await AsyncRewriter.ReplaceWithAwaitAsync(document, target, awaiting, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The awaiting expression that replaces the blocking one, or null when there is no faithful rewrite.</summary>
        private static async Task<ExpressionSyntax?> AwaitingFormAsync(Document document, ExpressionSyntax target, string kind, CancellationToken cancellationToken)
        {
            switch (kind)
            {
                case BlockingCallAnalyzer.ResultKind when target is MemberAccessExpressionSyntax access:
                    return Parenthesized(SyntaxFactory.AwaitExpression(access.Expression.WithoutTrivia()));
                case BlockingCallAnalyzer.WaitKind when target is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax wait }:
                    return SyntaxFactory.AwaitExpression(wait.Expression.WithoutTrivia());
                case BlockingCallAnalyzer.GetResultKind when target is InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax
                    {
                        Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax getAwaiter },
                    },
                }:
                    return Parenthesized(SyntaxFactory.AwaitExpression(getAwaiter.Expression.WithoutTrivia()));
                case BlockingCallAnalyzer.WaitAllKind when target is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax waitAll } invocation:
                    var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    if (model?.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { Parameters.Length: 1 })
                    {
                        // The overloads with a timeout or token return a bool or need the token; WhenAll has neither.
                        return null;
                    }

                    return SyntaxFactory.AwaitExpression(invocation.WithExpression(waitAll.WithName(SyntaxFactory.IdentifierName("WhenAll"))).WithoutTrivia());
                case BlockingCallAnalyzer.SleepKind when target is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep:
                    var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    var arguments = sleep.ArgumentList.WithoutTrivia();
                    if (semanticModel is not null && AsyncRewriter.CancellationTokenInScope(semanticModel, target, cancellationToken) is { } token)
                    {
                        arguments = arguments.AddArguments(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token)));
                    }

                    var delay = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Task.Delay").WithAdditionalAnnotations(Simplifier.Annotation),
                        arguments);
                    return SyntaxFactory.AwaitExpression(delay);
                default:
                    return null;
            }
        }

        private static ExpressionSyntax Parenthesized(ExpressionSyntax expression)
            => SyntaxFactory.ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
