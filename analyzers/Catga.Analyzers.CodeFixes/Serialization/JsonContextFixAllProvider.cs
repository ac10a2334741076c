using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Catga.Analyzers.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Catga.Analyzers.CodeFixes.Serialization
{
    /// <summary>
    /// Fix All for CATGA107: gathers the missing message types of the scope and adds them to their context in one edit,
    /// ordered by where the messages are declared, so the result does not depend on the order fixes are computed in.
    /// </summary>
    internal sealed class JsonContextFixAllProvider : FixAllProvider
    {
        public static readonly JsonContextFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
            => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var diagnostics = new List<Diagnostic>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is not null:
                    diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    }

                    break;
            }

            var groups = diagnostics
                .Where(d => d.AdditionalLocations.Count > 0 && d.AdditionalLocations[0].SourceTree is not null
                    && d.Properties.ContainsKey(MessageMissingFromJsonContextAnalyzer.MessageTypeProperty))
                .GroupBy(d => (Tree: d.AdditionalLocations[0].SourceTree!, Start: d.AdditionalLocations[0].SourceSpan.Start))
                .ToList();
            if (groups.Count == 0)
            {
                return null;
            }

            return CodeAction.Create(
                "Add [JsonSerializable] to the Catga JSON context",
                async cancellationToken =>
                {
                    var solution = fixAllContext.Solution;
                    foreach (var group in groups)
                    {
                        if (solution.GetDocument(group.Key.Tree) is not { } document)
                        {
                            continue;
                        }

                        var messageTypes = group
                            .OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal)
                            .ThenBy(d => d.Location.SourceSpan.Start)
                            .Select(d => d.Properties[MessageMissingFromJsonContextAnalyzer.MessageTypeProperty]!)
                            .Distinct()
                            .ToImmutableArray();
                        solution = await MessageMissingFromJsonContextCodeFixProvider
                            .AddAttributesAsync(document, group.First().AdditionalLocations[0], messageTypes, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    return solution;
                },
                fixAllContext.CodeActionEquivalenceKey);
        }
    }
}
