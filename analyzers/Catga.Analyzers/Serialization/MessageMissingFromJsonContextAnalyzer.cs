using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Serialization
{
    /// <summary>
    /// CATGA107: when the compilation has a class marked <c>[Catga.Serialization.CatgaJsonContext]</c> (the user's
    /// JsonSerializerContext that serves Catga messages), every message type declared in the compilation with a Catga
    /// message attribute must be listed on it (or on another such context) with <c>[JsonSerializable(typeof(T))]</c>.
    /// System.Text.Json's generator cannot see attributes another generator emits, so the list is kept by hand and checked
    /// here. The rule compares two sets gathered across the compilation, so it reports at the end of compilation analysis
    /// (builds, and IDE full-solution analysis), not per keystroke.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MessageMissingFromJsonContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the fully qualified name of the message type, for the fix's typeof.</summary>
        internal const string MessageTypeProperty = "MessageType";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.MessageMissingFromJsonContext);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var contextAttribute = start.Compilation.GetTypeByMetadataName("Catga.Serialization.CatgaJsonContextAttribute");
                var serializable = start.Compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute");
                if (contextAttribute is null || serializable is null || CatgaSymbols.TryCreate(start.Compilation) is not { } symbols)
                {
                    return;
                }

                var contexts = new ConcurrentBag<INamedTypeSymbol>();
                var messages = new ConcurrentBag<INamedTypeSymbol>();
                start.RegisterSymbolAction(
                    c =>
                    {
                        var type = (INamedTypeSymbol)c.Symbol;
                        if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
                        {
                            return;
                        }

                        if (HasAttribute(type, contextAttribute))
                        {
                            contexts.Add(type);
                        }

                        if (!type.IsAbstract && !type.IsGenericType && symbols.HasMessageAttribute(type))
                        {
                            messages.Add(type);
                        }
                    },
                    SymbolKind.NamedType);
                start.RegisterCompilationEndAction(c => Report(c, contexts, messages, serializable));
            });
        }

        private static void Report(CompilationAnalysisContext context, ConcurrentBag<INamedTypeSymbol> contexts, ConcurrentBag<INamedTypeSymbol> messages, INamedTypeSymbol serializable)
        {
            if (contexts.IsEmpty)
            {
                return;
            }

            var ordered = contexts.OrderBy(t => t.ToDisplayString(), System.StringComparer.Ordinal).ToList();
            var listed = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var jsonContext in ordered)
            {
                foreach (var attribute in jsonContext.GetAttributes())
                {
                    if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, serializable)
                        && attribute.ConstructorArguments.Length > 0
                        && attribute.ConstructorArguments[0].Value is ITypeSymbol listedType)
                    {
                        listed.Add(listedType);
                    }
                }
            }

            // The fix adds the attribute to the first context by name, so Fix All edits one place.
            var target = ordered[0];
            var targetLocation = target.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<ClassDeclarationSyntax>()
                .Select(d => d.Identifier.GetLocation())
                .FirstOrDefault();
            if (targetLocation is null)
            {
                return;
            }

            foreach (var message in messages)
            {
                if (listed.Contains(message))
                {
                    continue;
                }

                foreach (var reference in message.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            CatgaAnalyzerDescriptors.MessageMissingFromJsonContext,
                            declaration.Identifier.GetLocation(),
                            new[] { targetLocation },
                            ImmutableDictionary<string, string?>.Empty.Add(MessageTypeProperty, message.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)),
                            message.Name,
                            target.Name));
                        break;
                    }
                }
            }
        }

        private static bool HasAttribute(INamedTypeSymbol type, INamedTypeSymbol attribute)
            => type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));
    }
}
