using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Catga.Analyzers.Messaging;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Messages
{
    /// <summary>
    /// Fixes CATGA109 by making the capturing handler or behavior scoped: sets <c>Lifetime = ServiceLifetime.Scoped</c>
    /// on its <c>[CatgaHandler]</c> / <c>[PipelineBehavior]</c> attribute, adding the attribute or the argument as needed.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeScopedCodeFixProvider)), Shared]
    public sealed class MakeScopedCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA109.MakeScoped";

        private const string ScopedLifetime = "global::Microsoft.Extensions.DependencyInjection.ServiceLifetime.Scoped";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.CaptiveScopedDependency.Id);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var type = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
                if (type is null || !diagnostic.Properties.TryGetValue(CaptiveScopedDependencyAnalyzer.AttributeProperty, out var attributeName) || attributeName is null)
                {
                    continue;
                }

                var attributeType = model.Compilation.GetTypeByMetadataName("Catga." + attributeName + "Attribute");
                var existing = type.AttributeLists.SelectMany(l => l.Attributes)
                    .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(a, context.CancellationToken).Symbol?.ContainingType, attributeType));
                var lifetime = SyntaxFactory.AttributeArgument(SyntaxFactory.ParseExpression(ScopedLifetime).WithAdditionalAnnotations(Simplifier.Annotation))
                    .WithNameEquals(SyntaxFactory.NameEquals("Lifetime"));
                SyntaxNode newRoot;
                if (existing is null)
                {
                    var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::Catga." + attributeName).WithAdditionalAnnotations(Simplifier.Annotation))
                            .WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(lifetime)))))
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    var updated = type.AttributeLists.Count == 0
                        ? type.WithoutLeadingTrivia().AddAttributeLists(list.WithLeadingTrivia(type.GetLeadingTrivia()))
                        : type.AddAttributeLists(list);
                    newRoot = root.ReplaceNode(type, updated);
                }
                else
                {
                    var arguments = existing.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
                    var current = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Lifetime");
                    var newArguments = current is null
                        ? arguments.AddArguments(lifetime)
                        : arguments.ReplaceNode(current, current.WithExpression(lifetime.Expression));
                    newRoot = root.ReplaceNode(existing, existing.WithArgumentList(newArguments));
                }

                var document = context.Document;
                context.RegisterCodeFix(CodeAction.Create("Make it scoped", _ => Task.FromResult(document.WithSyntaxRoot(newRoot)), EquivalenceKey), diagnostic);
            }
        }
    }
}
