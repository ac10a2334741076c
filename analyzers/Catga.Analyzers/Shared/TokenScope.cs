using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Shared
{
    /// <summary>Finds the CancellationToken a piece of code can pass on.</summary>
    internal static class TokenScope
    {
        /// <summary>The CancellationToken parameter of the innermost enclosing lambda, local function or method that has one.</summary>
        public static IParameterSymbol? Find(CatgaSymbols symbols, IOperation operation, ISymbol containingSymbol)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                var function = current switch
                {
                    IAnonymousFunctionOperation lambda => lambda.Symbol,
                    ILocalFunctionOperation local => local.Symbol,
                    _ => null,
                };
                if (function?.Parameters.FirstOrDefault(p => symbols.IsCancellationToken(p.Type)) is { } parameter)
                {
                    return parameter;
                }
            }

            return (containingSymbol as IMethodSymbol)?.Parameters.FirstOrDefault(p => symbols.IsCancellationToken(p.Type));
        }
    }
}
