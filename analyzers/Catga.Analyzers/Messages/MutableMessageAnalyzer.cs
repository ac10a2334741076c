using System.Collections.Immutable;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Messages
{
    /// <summary>
    /// CATGA103: a message type (it implements <c>Catga.IMessage</c> or carries a Catga message attribute) with an
    /// instance property whose <c>set</c> accessor is not private, or a public or internal instance field that is not
    /// readonly. Private setters, static members and constants are not message state seen by others.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MutableMessageAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.MutableMessage);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (CatgaSymbols.TryCreate(start.Compilation) is not { } symbols)
                {
                    return;
                }

                start.RegisterSymbolAction(c => AnalyzeProperty(c, symbols), SymbolKind.Property);
                start.RegisterSymbolAction(c => AnalyzeField(c, symbols), SymbolKind.Field);
            });
        }

        private static void AnalyzeProperty(SymbolAnalysisContext context, CatgaSymbols symbols)
        {
            var property = (IPropertySymbol)context.Symbol;
            if (property.IsStatic
                || property.SetMethod is not { IsInitOnly: false } setter
                || setter.DeclaredAccessibility == Accessibility.Private
                || !symbols.IsMessage(property.ContainingType))
            {
                return;
            }

            foreach (var reference in setter.DeclaringSyntaxReferences)
            {
                // Only explicitly written setters: the positional properties of a record struct are settable, but the
                // place to fix them is the record's declaration, which 'init' cannot express.
                if (reference.GetSyntax(context.CancellationToken) is AccessorDeclarationSyntax accessor && accessor.IsKind(SyntaxKind.SetAccessorDeclaration))
                {
                    context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.MutableMessage, accessor.Keyword.GetLocation(), property.Name, property.ContainingType.Name));
                }
            }
        }

        private static void AnalyzeField(SymbolAnalysisContext context, CatgaSymbols symbols)
        {
            var field = (IFieldSymbol)context.Symbol;
            if (field.IsStatic
                || field.IsConst
                || field.IsReadOnly
                || field.IsImplicitlyDeclared
                || field.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
                || !symbols.IsMessage(field.ContainingType))
            {
                return;
            }

            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is VariableDeclaratorSyntax declarator)
                {
                    context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.MutableMessage, declarator.Identifier.GetLocation(), field.Name, field.ContainingType.Name));
                }
            }
        }
    }
}
