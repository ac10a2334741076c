using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Catga.Analyzers.CodeFixes.WireContracts
{
    /// <summary>
    /// Records every CATGA304 in scope with one edit of CatgaWire.Unshipped.txt. The batch fixer cannot do it: each fix
    /// rewrites the same additional file, which it would treat as conflicting edits and drop.
    /// </summary>
    internal sealed class RecordWireContractFixAllProvider : FixAllProvider
    {
        public static readonly RecordWireContractFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document, FixAllScope.Project };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var project = fixAllContext.Project;
            var diagnostics = fixAllContext.Scope == FixAllScope.Document && fixAllContext.Document is { } document
                ? await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)
                : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
            var entries = diagnostics
                .Where(d => d.Id == "CATGA304" && d.Properties.TryGetValue(RecordWireContractCodeFixProvider.EntriesProperty, out var e) && !string.IsNullOrEmpty(e))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .Select(d => d.Properties[RecordWireContractCodeFixProvider.EntriesProperty]!)
                .ToList();
            if (entries.Count == 0)
            {
                return null;
            }

            return CodeAction.Create(
                "Record the wire contracts in " + RecordWireContractCodeFixProvider.UnshippedFileName,
                ct => RecordWireContractCodeFixProvider.RecordAsync(project, entries, ct),
                RecordWireContractCodeFixProvider.EquivalenceKey);
        }
    }
}
