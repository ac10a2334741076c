using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Security
{
    /// <summary>Reads [CatgaProtected] on a Catga message into a <see cref="ProtectedMessageSpec"/>.</summary>
    internal static class SecurityParser
    {
        public const string ProtectedAttribute = "Catga.Security.CatgaProtectedAttribute";

        private static readonly string[] s_messageAttributes =
        {
            KnownTypes.CommandAttribute, KnownTypes.QueryAttribute, KnownTypes.EventAttribute, KnownTypes.StreamRequestAttribute,
        };

        /// <summary>The spec, or null when the type is not a partial Catga message (the attribute then has nothing to
        /// attach to; the message generator reports non-partial messages itself).</summary>
        public static ProtectedMessageSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            if (type.IsGenericType
                || !type.GetAttributes().Any(a => s_messageAttributes.Any(name => KnownTypes.Is(a.AttributeClass, name)))
                || !((TypeDeclarationSyntax)context.TargetNode).Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return null;
            }

            int value = context.Attributes[0].ConstructorArguments.Length == 1 && context.Attributes[0].ConstructorArguments[0].Value is int v ? v : 2;
            string protection = value switch { 0 => "None", 1 => "Signed", _ => "Encrypted" };
            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                bool partial = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial || outer.IsGenericType)
                {
                    return null;
                }

                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
            }

            return new ProtectedMessageSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                containing.ToEquatableArray(),
                Keyword(type),
                type.Name,
                TypeNames.FullyQualified(type),
                protection);
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            _ => "class",
        };
    }
}
