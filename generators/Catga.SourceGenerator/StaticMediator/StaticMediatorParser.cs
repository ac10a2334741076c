using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.StaticMediator
{
    /// <summary>Reads a class marked [CatgaMediator] into a <see cref="MediatorSpec"/>, or says why it cannot be completed.</summary>
    internal static class StaticMediatorParser
    {
        public static bool IsCandidate(SyntaxNode node, CancellationToken _) => node is ClassDeclarationSyntax;

        public static MediatorParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (ClassDeclarationSyntax)context.TargetNode;
            string? problem = null;
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                problem = "is not partial";
            }
            else if (type.ContainingType is not null)
            {
                problem = "is nested in another type";
            }
            else if (type.IsGenericType)
            {
                problem = "is generic";
            }
            else if (type.IsStatic)
            {
                problem = "is static";
            }
            else if (type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared))
            {
                problem = "declares a constructor (the generated part declares the one that takes ICatgaMediator)";
            }

            if (problem is not null)
            {
                var diagnostic = DiagnosticInfo.Create(StaticMediatorDiagnostics.InvalidMediatorClass, syntax.Identifier.GetLocation(), type.Name, problem);
                return new MediatorParseResult(null, new[] { diagnostic }.ToEquatableArray());
            }

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new MediatorParseResult(new MediatorSpec(ns, type.Name, type.DeclaredAccessibility == Accessibility.Public), default);
        }

        /// <summary>Whether the request named <paramref name="metadataName"/> can be used by other projects: it and every
        /// type containing it are public.</summary>
        public static bool IsPublic(Compilation compilation, string metadataName)
        {
            var type = compilation.GetTypeByMetadataName(metadataName);
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return type is not null;
        }

        /// <summary>The metadata name of a type from its display name (nested types are joined with '+').</summary>
        public static string MetadataName(Compilation compilation, string display)
        {
            if (compilation.GetTypeByMetadataName(display) is not null)
            {
                return display;
            }

            // Nested types: replace the dots that separate containing types, from the right, until a type is found.
            var chars = display.ToCharArray();
            var dots = new List<int>();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] == '.')
                {
                    dots.Add(i);
                }
            }

            for (int d = dots.Count - 1; d >= 0; d--)
            {
                chars[dots[d]] = '+';
                string candidate = new string(chars);
                if (compilation.GetTypeByMetadataName(candidate) is not null)
                {
                    return candidate;
                }
            }

            return display;
        }
    }
}
