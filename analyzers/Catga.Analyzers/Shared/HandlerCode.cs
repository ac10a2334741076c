using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Shared
{
    /// <summary>
    /// Decides whether an operation runs on the message-handling path: its code is in a class that implements a
    /// Catga handler interface or <c>IPipelineBehavior&lt;,&gt;</c> (any member of it, including constructors, helper
    /// methods, lambdas and local functions). A nested class is judged on its own, because it may be used anywhere.
    /// </summary>
    internal static class HandlerCode
    {
        public static bool Contains(CatgaSymbols symbols, ISymbol containingSymbol)
            => symbols.IsHandlerOrBehavior(containingSymbol as INamedTypeSymbol ?? containingSymbol.ContainingType);

        public static bool Contains(CatgaSymbols symbols, OperationAnalysisContext context)
            => Contains(symbols, context.ContainingSymbol);
    }
}
