using System.Linq;
using Microsoft.CodeAnalysis;

namespace Catga.Analyzers.Shared
{
    /// <summary>Compares the parameter and return types of two overloads, where method type parameters match by position.</summary>
    internal static class TypeMatching
    {
        public static bool SameType(ITypeSymbol left, ITypeSymbol right)
        {
            if (left is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } l && right is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } r)
            {
                return l.Ordinal == r.Ordinal;
            }

            if (left is INamedTypeSymbol { IsGenericType: true } ln && right is INamedTypeSymbol { IsGenericType: true } rn)
            {
                return SymbolEqualityComparer.Default.Equals(ln.OriginalDefinition, rn.OriginalDefinition)
                    && ln.TypeArguments.Length == rn.TypeArguments.Length
                    && ln.TypeArguments.Zip(rn.TypeArguments, SameType).All(same => same);
            }

            if (left is IArrayTypeSymbol la && right is IArrayTypeSymbol ra)
            {
                return la.Rank == ra.Rank && SameType(la.ElementType, ra.ElementType);
            }

            return SymbolEqualityComparer.Default.Equals(left, right);
        }

        /// <summary>True when the first parameters of <paramref name="candidate"/> have the types and ref kinds of all of <paramref name="method"/>'s.</summary>
        public static bool StartsWithParametersOf(IMethodSymbol candidate, IMethodSymbol method)
            => candidate.Parameters.Length >= method.Parameters.Length
                && method.Parameters.All(p => p.RefKind == candidate.Parameters[p.Ordinal].RefKind && SameType(p.Type, candidate.Parameters[p.Ordinal].Type));
    }
}
