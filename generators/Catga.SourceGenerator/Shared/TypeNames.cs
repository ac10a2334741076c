using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Shared
{
    /// <summary>
    /// Formats types as fully qualified C# names (<c>global::Ns.Type&lt;global::Ns.Arg&gt;</c>), one canonical way, so
    /// names computed in different parts of the generator compare equal as strings.
    /// </summary>
    internal static class TypeNames
    {
        private static readonly SymbolDisplayFormat s_fullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        private static readonly SymbolDisplayFormat s_metadataLike = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

        /// <summary>The fully qualified name of <paramref name="type"/>, e.g. <c>global::Shop.PlaceOrder</c>.</summary>
        public static string FullyQualified(ITypeSymbol type) => Format(type, static _ => null);

        /// <summary>The name of <paramref name="type"/> as written in <c>typeof</c> with its type arguments left out,
        /// e.g. <c>global::Shop.Logging&lt;,&gt;</c>.</summary>
        public static string UnboundTypeOf(INamedTypeSymbol type)
        {
            string prefix = type.ContainingType is { } outer ? FullyQualified(outer) + "." : NamespacePrefix(type);
            return prefix + EscapedName(type) + (type.Arity > 0 ? "<" + new string(',', type.Arity - 1) + ">" : string.Empty);
        }

        /// <summary>The readable name used at run time, e.g. <c>Shop.PlaceOrder</c>.</summary>
        public static string Display(ITypeSymbol type) => type.ToDisplayString(s_metadataLike);

        /// <summary>
        /// Formats <paramref name="type"/>, replacing each type parameter for which <paramref name="map"/> returns a value.
        /// Behaviors use it to keep placeholders such as <c>{0}</c> where their type parameters appear.
        /// </summary>
        public static string Format(ITypeSymbol type, Func<ITypeParameterSymbol, string?> map)
        {
            switch (type)
            {
                case ITypeParameterSymbol parameter:
                    return map(parameter) ?? parameter.Name;
                case IArrayTypeSymbol array:
                    return Format(array.ElementType, map) + "[" + new string(',', array.Rank - 1) + "]";
                case INamedTypeSymbol named when named.IsGenericType && !named.IsUnboundGenericType:
                    if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                    {
                        return Format(named.TypeArguments[0], map) + "?";
                    }

                    string prefix = named.ContainingType is { } container
                        ? Format(container, map) + "." + EscapedName(named)
                        : NamespacePrefix(named) + EscapedName(named);
                    return prefix + "<" + string.Join(", ", named.TypeArguments.Select(t => Format(t, map))) + ">";
                case INamedTypeSymbol named when named.ContainingType is { } outer:
                    return Format(outer, map) + "." + EscapedName(named);
                default:
                    return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(s_fullyQualified);
            }
        }

        /// <summary>A name safe to use inside an identifier, derived from a type's full name.</summary>
        public static string Identifier(string displayName)
        {
            var chars = displayName.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (!char.IsLetterOrDigit(chars[i]))
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }

        /// <summary>A C# string literal of <paramref name="value"/>.</summary>
        public static string Literal(string value)
            => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string NamespacePrefix(INamedTypeSymbol type)
            => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? "global::" + ns.ToDisplayString() + "." : "global::";

        private static string EscapedName(INamedTypeSymbol type)
            => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(type.Name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + type.Name : type.Name;
    }
}
