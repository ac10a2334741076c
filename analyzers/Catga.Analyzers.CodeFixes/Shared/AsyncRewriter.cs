using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Shared
{
    /// <summary>
    /// Replaces an expression with one that awaits, and makes the enclosing method or local function <c>async</c> when it
    /// is not yet. A method that returns Task, ValueTask or their generic forms keeps its return type and its return
    /// statements are rewritten to the async form (<c>return new(x)</c> and <c>return Task.FromResult(x)</c> become
    /// <c>return x</c>, a completed task becomes <c>return</c>, any other task is awaited); a void method returns Task.
    /// Where the rewrite cannot keep the program's meaning (a lambda whose delegate type would change, a void method that
    /// overrides or implements one, by-reference parameters, iterators) no fix is offered.
    /// </summary>
    internal static class AsyncRewriter
    {
        public static async Task<Document?> ReplaceWithAwaitAsync(Document document, SyntaxNode target, ExpressionSyntax awaiting, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            awaiting = awaiting.WithTriviaFrom(target).WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            var function = target.Ancestors().FirstOrDefault(IsFunction);
            if (function is null)
            {
                return null;
            }

            if (function is AnonymousFunctionExpressionSyntax lambda)
            {
                // Making a lambda async changes its delegate type, which may select another overload or not compile.
                return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) ? document.WithSyntaxRoot(root.ReplaceNode(target, awaiting)) : null;
            }

            var (modifiers, returnType, body, arrow) = function switch
            {
                MethodDeclarationSyntax m => (m.Modifiers, m.ReturnType, m.Body, m.ExpressionBody),
                LocalFunctionStatementSyntax l => (l.Modifiers, l.ReturnType, l.Body, l.ExpressionBody),
                _ => (default(SyntaxTokenList), null!, null, null),
            };
            if (returnType is null)
            {
                return null;
            }

            if (modifiers.Any(SyntaxKind.AsyncKeyword))
            {
                return document.WithSyntaxRoot(root.ReplaceNode(target, awaiting));
            }

            if (model.GetDeclaredSymbol(function, cancellationToken) is not IMethodSymbol method
                || method.Parameters.Any(p => p.RefKind != RefKind.None)
                || method.ReturnsByRef
                || method.ReturnsByRefReadonly
                || ContainsYield(function))
            {
                return null;
            }

            var shape = TaskShape.Of(method.ReturnType, model.Compilation);
            if (shape == TaskShape.Kind.None)
            {
                if (!method.ReturnsVoid || method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0 || ImplementsInterfaceMember(method))
                {
                    return null;
                }
            }

            var returns = new List<(SyntaxNode Node, ExpressionSyntax Expression)>();
            foreach (var statement in OwnReturns(function))
            {
                if (statement.Expression is { } expression)
                {
                    returns.Add((statement, expression));
                }
            }

            if (arrow is not null && method.ReturnsVoid is false)
            {
                returns.Add((arrow, arrow.Expression));
            }

            var plans = new List<(SyntaxNode Node, ReturnPlan Plan)>();
            foreach (var (node, expression) in returns)
            {
                if (ReturnPlan.For(expression, shape, model, cancellationToken) is not { } plan)
                {
                    return null;
                }

                plans.Add((node, plan));
            }

            var tracked = function.TrackNodes(new[] { target }.Concat(plans.SelectMany(p => p.Plan.Nodes(p.Node))));
            tracked = tracked.ReplaceNode(tracked.GetCurrentNode(target)!, awaiting);
            foreach (var (node, plan) in plans)
            {
                tracked = plan.Apply(tracked, node);
            }

            tracked = MakeAsync(tracked, method.ReturnsVoid);
            return document.WithSyntaxRoot(root.ReplaceNode(function, tracked.WithAdditionalAnnotations(Formatter.Annotation)));
        }

        /// <summary>The innermost enclosing method, local function or lambda that declares a CancellationToken parameter, or null.</summary>
        public static string? CancellationTokenInScope(SemanticModel model, SyntaxNode position, CancellationToken cancellationToken)
        {
            var token = model.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            foreach (var function in position.Ancestors().Where(IsFunction))
            {
                var symbol = function is AnonymousFunctionExpressionSyntax
                    ? model.GetSymbolInfo(function, cancellationToken).Symbol as IMethodSymbol
                    : model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol;
                var parameter = symbol?.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, token));
                if (parameter is not null)
                {
                    return parameter.Name;
                }
            }

            return null;
        }

        private static bool IsFunction(SyntaxNode node)
            => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax
                or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax;

        private static bool ImplementsInterfaceMember(IMethodSymbol method)
            => method.ContainingType.AllInterfaces.SelectMany(i => i.GetMembers().OfType<IMethodSymbol>())
                .Any(m => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(m), method));

        private static bool ContainsYield(SyntaxNode function)
            => OwnNodes(function).OfType<YieldStatementSyntax>().Any();

        private static IEnumerable<ReturnStatementSyntax> OwnReturns(SyntaxNode function)
            => OwnNodes(function).OfType<ReturnStatementSyntax>();

        /// <summary>Descendants of a function that belong to it, not to a nested lambda or local function.</summary>
        private static IEnumerable<SyntaxNode> OwnNodes(SyntaxNode function)
            => function.DescendantNodes(n => n == function || !IsFunction(n));

        private static SyntaxNode MakeAsync(SyntaxNode function, bool returnsVoid)
        {
            var (modifiers, returnType) = function switch
            {
                MethodDeclarationSyntax m => (m.Modifiers, m.ReturnType),
                LocalFunctionStatementSyntax l => (l.Modifiers, l.ReturnType),
                _ => throw new System.InvalidOperationException("only methods and local functions are made async"),
            };

            TypeSyntax newReturnType = returnType;
            if (returnsVoid)
            {
                newReturnType = SyntaxFactory.ParseTypeName("global::System.Threading.Tasks.Task")
                    .WithTriviaFrom(returnType)
                    .WithAdditionalAnnotations(Simplifier.Annotation);
            }

            SyntaxTokenList newModifiers;
            if (modifiers.Count == 0)
            {
                // The return type carried the leading trivia (indentation, comments); the async keyword takes it over.
                newModifiers = SyntaxFactory.TokenList(SyntaxFactory.Token(newReturnType.GetLeadingTrivia(), SyntaxKind.AsyncKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
                newReturnType = newReturnType.WithLeadingTrivia();
            }
            else
            {
                newModifiers = modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            }

            return function switch
            {
                MethodDeclarationSyntax m => m.WithModifiers(newModifiers).WithReturnType(newReturnType),
                LocalFunctionStatementSyntax l => l.WithModifiers(newModifiers).WithReturnType(newReturnType),
                _ => function,
            };
        }
    }
}
