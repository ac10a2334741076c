using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
    /// Fixes CATGA106: calls the asynchronous counterpart, passes the token in scope when it takes one, and awaits it,
    /// making the enclosing method async when it is not (see <see cref="AsyncRewriter"/>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SynchronousIoCodeFixProvider)), Shared]
    public sealed class SynchronousIoCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA106.AwaitAsync";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.SynchronousIo.Id);

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
                if (invocation is null
                    || !diagnostic.Properties.TryGetValue(SynchronousIoAnalyzer.AsyncNameProperty, out var asyncName)
                    || asyncName is null
                    || Renamed(invocation.Expression, asyncName) is not { } callee)
                {
                    continue;
                }

                var arguments = invocation.ArgumentList;
                if (diagnostic.Properties.TryGetValue(SynchronousIoAnalyzer.TokenProperty, out var token) && token is not null)
                {
                    var argument = SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token));
                    if (diagnostic.Properties.TryGetValue(SynchronousIoAnalyzer.ParameterProperty, out var parameter) && parameter is not null)
                    {
                        argument = argument.WithNameColon(SyntaxFactory.NameColon(parameter));
                    }

                    arguments = arguments.AddArguments(argument);
                }

                var awaited = SyntaxFactory.ParenthesizedExpression(SyntaxFactory.AwaitExpression(invocation.WithExpression(callee).WithArgumentList(arguments).WithoutTrivia()))
                    .WithAdditionalAnnotations(Simplifier.Annotation);
                if (await AsyncRewriter.ReplaceWithAwaitAsync(context.Document, invocation, awaited, context.CancellationToken).ConfigureAwait(false) is not { } fixedDocument)
                {
                    continue;
                }

                context.RegisterCodeFix(CodeAction.Create($"Await '{asyncName}'", _ => Task.FromResult(fixedDocument), EquivalenceKey), diagnostic);
            }
        }

        private static ExpressionSyntax? Renamed(ExpressionSyntax callee, string name) => callee switch
        {
            MemberAccessExpressionSyntax access => access.WithName(access.Name.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(access.Name.Identifier))),
            IdentifierNameSyntax identifier => identifier.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(identifier.Identifier)),
            GenericNameSyntax generic => generic.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(generic.Identifier)),
            _ => null,
        };
    }
}
