using Catga.Tests.Shared;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Tests.Harness;

/// <summary>
/// Runs one analyzer (and optionally its code fix) over markup source. Diagnostics must match the markup exactly:
/// same IDs on the same spans, nothing more. Fixed documents are compared as whole text and must compile without errors.
/// </summary>
internal static class AnalyzerVerifier
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;

        """;

    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, string markup)
    {
        var (source, expected) = Markup.Parse(Usings + markup);
        var document = TestWorkspace.CreateDocument(source);
        await AssertCompilesAsync(document);
        var actual = await GetDiagnosticsAsync(document, analyzer);
        AssertMatches(source, expected, actual);
    }

    /// <summary>Applies the fix to the single diagnostic in <paramref name="markup"/> and compares the whole document.</summary>
    public static Task VerifyFixAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, string expected, string? equivalenceKey = null)
        => VerifyFixAsync(document => GetDiagnosticsAsync(document, analyzer), fix, markup, expected, equivalenceKey);

    /// <summary>Applies Fix All in the document, the way the IDE does, and compares the whole document.</summary>
    public static Task VerifyFixAllAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string equivalenceKey, string markup, string expected)
        => VerifyFixAllAsync(document => GetDiagnosticsAsync(document, analyzer), fix, equivalenceKey, markup, expected);

    public static async Task VerifyFixAsync(Func<Document, Task<ImmutableArray<Diagnostic>>> diagnose, CodeFixProvider fix, string markup, string expected, string? equivalenceKey = null)
    {
        var (source, spans) = Markup.Parse(Usings + markup);
        var document = TestWorkspace.CreateDocument(source);
        var diagnostics = await diagnose(document);
        AssertMatches(source, spans, diagnostics);
        Assert.Single(diagnostics);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostics[0], (action, _) => actions.Add(action), CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context);
        // With a key, the fix offering several choices is asked for one of them; without, exactly one must be offered.
        var action = equivalenceKey is null ? Assert.Single(actions) : Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        await AssertFixedAsync(document, action, Usings + expected, diagnose);
    }

    public static async Task VerifyFixAllAsync(Func<Document, Task<ImmutableArray<Diagnostic>>> diagnose, CodeFixProvider fix, string equivalenceKey, string markup, string expected)
    {
        var (source, spans) = Markup.Parse(Usings + markup);
        var document = TestWorkspace.CreateDocument(source);
        var diagnostics = await diagnose(document);
        AssertMatches(source, spans, diagnostics);
        Assert.True(diagnostics.Length > 1, "Fix All needs more than one diagnostic to prove anything.");
        var provider = fix.GetFixAllProvider();
        var context = new FixAllContext(
            document,
            fix,
            FixAllScope.Document,
            equivalenceKey,
            fix.FixableDiagnosticIds,
            new FixedDiagnostics(diagnostics),
            CancellationToken.None);
        var action = await provider!.GetFixAsync(context);
        Assert.NotNull(action);
        await AssertFixedAsync(document, action!, Usings + expected, diagnose);
    }

    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var withAnalyzers = compilation.WithAnalyzers([analyzer]);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start)];
    }

    public static void AssertMatches(string source, List<(string Id, Microsoft.CodeAnalysis.Text.TextSpan Span)> expected, ImmutableArray<Diagnostic> actual)
    {
        var expectedText = expected.Select(e => $"{e.Id} '{source.Substring(e.Span.Start, e.Span.Length)}' at {e.Span}").OrderBy(s => s).ToList();
        var actualText = actual.Select(d => $"{d.Id} '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}' at {d.Location.SourceSpan}").OrderBy(s => s).ToList();
        Assert.Equal(expectedText, actualText);
    }

    public static async Task AssertCompilesAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:\n" + string.Join("\n", errors));
    }

    private static async Task AssertFixedAsync(Document document, CodeAction action, string expected, Func<Document, Task<ImmutableArray<Diagnostic>>> diagnose)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
        var text = (await changed.GetTextAsync()).ToString();
        Assert.Equal(expected.ReplaceLineEndings("\n"), text.ReplaceLineEndings("\n"));
        await AssertCompilesAsync(changed);
        var remaining = await diagnose(changed);
        Assert.Empty(remaining);
    }

    /// <summary>Hands Fix All the diagnostics already computed, as the IDE's diagnostic service would.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
