using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Catga.Analyzers.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Serialization
{
    /// <summary>
    /// Fixes CATGA107 by adding <c>[JsonSerializable(typeof(T))]</c> to the Catga JSON context, which may be in another
    /// document. Fix All has its own provider: every fix inserts at the same place (after the context's attributes),
    /// which the batch fixer treats as conflicting edits and drops, so the fixes are applied together instead.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MessageMissingFromJsonContextCodeFixProvider)), Shared]
    public sealed class MessageMissingFromJsonContextCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA107.AddJsonSerializable";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.MessageMissingFromJsonContext.Id);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => JsonContextFixAllProvider.Instance;

        /// <inheritdoc />
        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (diagnostic.AdditionalLocations.FirstOrDefault() is not { SourceTree: { } tree } contextLocation
                    || !diagnostic.Properties.TryGetValue(MessageMissingFromJsonContextAnalyzer.MessageTypeProperty, out var messageType)
                    || messageType is null
                    || context.Document.Project.Solution.GetDocument(tree) is not { } contextDocument)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Add [JsonSerializable] to the Catga JSON context",
                        ct => AddAttributesAsync(contextDocument, contextLocation, new[] { messageType }, ct),
                        EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        /// <summary>Adds one <c>[JsonSerializable(typeof(T))]</c> per message type, in the given order, after the context's attributes.</summary>
        internal static async Task<Solution> AddAttributesAsync(Document document, Location contextLocation, System.Collections.Generic.IEnumerable<string> messageTypes, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root?.FindToken(contextLocation.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration)
            {
                return document.Project.Solution;
            }

            var updated = declaration;
            foreach (var messageType in messageTypes)
            {
                var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Attribute(
                        SyntaxFactory.ParseName("global::System.Text.Json.Serialization.JsonSerializable"),
                        SyntaxFactory.ParseAttributeArgumentList($"(typeof({messageType}))"))))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
                updated = updated.AttributeLists.Count == 0
                    ? updated.WithoutLeadingTrivia().AddAttributeLists(attribute.WithLeadingTrivia(declaration.GetLeadingTrivia()))
                    : updated.AddAttributeLists(attribute);
            }

            return document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)).Project.Solution;
        }
    }
}
