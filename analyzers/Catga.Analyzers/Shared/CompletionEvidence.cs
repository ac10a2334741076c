using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Shared
{
    /// <summary>
    /// Recognises the correct code that reads a task's result synchronously: after the task was awaited (directly or
    /// through <c>Task.WhenAll(a, b)</c>) or after checking <c>IsCompleted</c> / <c>IsCompletedSuccessfully</c>. Reading
    /// <c>.Result</c> then does not block, so reporting it would be a false positive.
    /// </summary>
    internal static class CompletionEvidence
    {
        public static bool IsKnownCompleted(CatgaSymbols symbols, IOperation? task, IOperation blockingCall, CancellationToken cancellationToken)
        {
            var tracked = ReferencedSymbol(task);
            if (tracked is null || blockingCall.SemanticModel is not { } model)
            {
                return false;
            }

            var root = blockingCall;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            int position = blockingCall.Syntax.SpanStart;
            foreach (var node in root.Syntax.DescendantNodes(n => n.SpanStart < position))
            {
                if (node.SpanStart >= position)
                {
                    continue;
                }

                if (node is AwaitExpressionSyntax awaited && awaited.Span.End <= position)
                {
                    if (awaited.DescendantNodes().OfType<IdentifierNameSyntax>()
                        .Any(id => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, tracked)))
                    {
                        return true;
                    }
                }
                else if (node is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsCompleted" or "IsCompletedSuccessfully" } check
                    && model.GetSymbolInfo(check, cancellationToken).Symbol is IPropertySymbol property
                    && symbols.IsTaskLike(property.ContainingType)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(check.Expression, cancellationToken).Symbol, tracked))
                {
                    return true;
                }
            }

            return false;
        }

        private static ISymbol? ReferencedSymbol(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
        }
    }
}
