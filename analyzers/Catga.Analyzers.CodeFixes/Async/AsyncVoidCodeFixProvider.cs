using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Catga.Analyzers.CodeFixes.Async
{
    /// <summary>
    /// Fixes CATGA101 by returning <c>Task</c> instead of <c>void</c>. Task rather than ValueTask, because callers of a
    /// former void method may await it more than once or store it, which a ValueTask does not allow. Methods that
    /// override or implement a void member keep their signature and get no fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidCodeFixProvider)), Shared]
    public sealed class AsyncVoidCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA101.ReturnTask";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.AsyncVoid.Id);

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
                var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
                if (declaration is MethodDeclarationSyntax method
                    && model.GetDeclaredSymbol(method, context.CancellationToken) is { } symbol
                    && (symbol.IsOverride || symbol.ExplicitInterfaceImplementations.Length > 0 || ImplementsInterfaceMember(symbol)))
                {
                    continue;
                }

                if (declaration is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax))
                {
                    continue;
                }

                var document = context.Document;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Return Task",
                        _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, ReturnTask(declaration)))),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static SyntaxNode ReturnTask(SyntaxNode declaration)
        {
            TypeSyntax Task(TypeSyntax old) => SyntaxFactory.ParseTypeName("global::System.Threading.Tasks.Task")
                .WithTriviaFrom(old)
                .WithAdditionalAnnotations(Simplifier.Annotation);

            return declaration switch
            {
                MethodDeclarationSyntax m => m.WithReturnType(Task(m.ReturnType)),
                LocalFunctionStatementSyntax l => l.WithReturnType(Task(l.ReturnType)),
                _ => declaration,
            };
        }

        private static bool ImplementsInterfaceMember(IMethodSymbol method)
            => method.ContainingType.AllInterfaces.SelectMany(i => i.GetMembers().OfType<IMethodSymbol>())
                .Any(m => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(m), method));
    }
}
