using System.Collections.Immutable;
using System.Linq;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Messaging
{
    /// <summary>
    /// CATGA108: a command marked <c>[Distributed]</c> that declares neither <c>[Idempotent]</c> nor
    /// <c>[NaturallyIdempotent]</c>. A command is judged to change state by its contract: <c>ICommand</c> and
    /// <c>ICommand&lt;T&gt;</c> are the messages that change state (queries read, events report), so every distributed
    /// command is in scope and queries and events never are. The handler's body is not inspected: whether an effect
    /// repeats safely is a property of the domain, which code cannot show without false positives.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UndeclaredIdempotencyAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.UndeclaredIdempotency);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var compilation = start.Compilation;
                var distributed = compilation.GetTypeByMetadataName("Catga.DistributedAttribute");
                var idempotent = compilation.GetTypeByMetadataName("Catga.IdempotentAttribute");
                var natural = compilation.GetTypeByMetadataName("Catga.NaturallyIdempotentAttribute");
                var command = compilation.GetTypeByMetadataName("Catga.ICommand");
                var commandOfT = compilation.GetTypeByMetadataName("Catga.ICommand`1");
                var commandAttribute = compilation.GetTypeByMetadataName("Catga.CatgaCommandAttribute");
                if (distributed is null || idempotent is null || natural is null || command is null || commandOfT is null)
                {
                    return;
                }

                start.RegisterSymbolAction(
                    c =>
                    {
                        var type = (INamedTypeSymbol)c.Symbol;
                        var attributes = type.GetAttributes();
                        if (!attributes.Any(a => Is(a, distributed)) || attributes.Any(a => Is(a, idempotent) || Is(a, natural)))
                        {
                            return;
                        }

                        // [CatgaCommand] without a declared contract gets ICommand from the generator.
                        bool isCommand = attributes.Any(a => Is(a, commandAttribute))
                            || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, command) || SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, commandOfT));
                        if (!isCommand)
                        {
                            return;
                        }

                        foreach (var reference in type.DeclaringSyntaxReferences)
                        {
                            if (reference.GetSyntax(c.CancellationToken) is TypeDeclarationSyntax declaration)
                            {
                                c.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.UndeclaredIdempotency, declaration.Identifier.GetLocation(), type.Name));
                                return;
                            }
                        }
                    },
                    SymbolKind.NamedType);
            });
        }

        private static bool Is(AttributeData attribute, INamedTypeSymbol? type)
            => type is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, type);
    }
}
