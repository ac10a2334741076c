using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Catga.Analyzers.CodeFixes.WireContracts
{
    /// <summary>
    /// Fixes CATGA304 (reported by the wire-contract generator) by writing the current contract lines of a message (with
    /// its result) or a saga state into CatgaWire.Unshipped.txt: an entry with the same identity is replaced, a new one is
    /// added, and the entries are kept sorted so the file diffs cleanly. The file is created next to CatgaWire.Shipped.txt when it does not exist yet.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecordWireContractCodeFixProvider)), Shared]
    public sealed class RecordWireContractCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix, stable so Fix All groups every instance.</summary>
        internal const string EquivalenceKey = "CATGA304.RecordWireContract";

        /// <summary>The diagnostic property (set by the generator) holding the contract lines to record.</summary>
        internal const string EntriesProperty = "CatgaWire.Entries";

        internal const string ShippedFileName = "CatgaWire.Shipped.txt";
        internal const string UnshippedFileName = "CatgaWire.Unshipped.txt";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("CATGA304");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => RecordWireContractFixAllProvider.Instance;

        /// <inheritdoc />
        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(EntriesProperty, out var entries) || string.IsNullOrEmpty(entries))
                {
                    continue;
                }

                var project = context.Document.Project;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Record the wire contract in " + UnshippedFileName,
                        ct => RecordAsync(project, new[] { entries! }, ct),
                        EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        /// <summary>Writes every line of <paramref name="entryGroups"/> into the project's CatgaWire.Unshipped.txt.</summary>
        internal static async Task<Solution> RecordAsync(Project project, IEnumerable<string> entryGroups, CancellationToken cancellationToken)
        {
            var lines = entryGroups.SelectMany(g => g.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0);
            var unshipped = FindFile(project, UnshippedFileName);
            if (unshipped is null)
            {
                string text = Merge(null, lines);
                string? directory = Path.GetDirectoryName(FindFile(project, ShippedFileName)?.FilePath ?? project.FilePath ?? string.Empty);
                string? path = string.IsNullOrEmpty(directory) ? null : Path.Combine(directory, UnshippedFileName);
                return project.AddAdditionalDocument(UnshippedFileName, SourceText.From(text), filePath: path).Project.Solution;
            }

            var existing = await unshipped.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return project.Solution.WithAdditionalDocumentText(unshipped.Id, SourceText.From(Merge(existing.ToString(), lines), existing.Encoding));
        }

        /// <summary>Keeps the file's comments first, then every entry once (new lines replace old ones with the same
        /// identity), sorted by identity.</summary>
        internal static string Merge(string? existing, IEnumerable<string> lines)
        {
            var comments = new List<string>();
            var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in (existing ?? string.Empty).Replace("\r\n", "\n").Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith("#", StringComparison.Ordinal) || Identity(line) is not { } identity)
                {
                    comments.Add(line);
                }
                else
                {
                    entries[identity] = line;
                }
            }

            foreach (var line in lines)
            {
                if (Identity(line) is { } identity)
                {
                    entries[identity] = line;
                }
            }

            if (comments.Count == 0)
            {
                comments.Add("# Wire contracts added or extended since the last release; move them to " + ShippedFileName + " when it ships.");
            }

            return string.Join("\n", comments.Concat(entries.Values)) + "\n";
        }

        /// <summary>The identity of an entry line: <c>message &lt;wire name&gt;</c>, <c>saga &lt;name&gt;</c>,
        /// <c>result &lt;wire name&gt;</c> or <c>type &lt;C# name&gt;</c>.</summary>
        private static string? Identity(string line)
        {
            int open = line.IndexOf(" {", StringComparison.Ordinal);
            if (open < 0)
            {
                return null;
            }

            string head = line.Substring(0, open);
            if (head.StartsWith("message ", StringComparison.Ordinal) || head.StartsWith("saga ", StringComparison.Ordinal))
            {
                int equals = head.LastIndexOf(" = ", StringComparison.Ordinal);
                return equals < 0 ? null : head.Substring(0, equals);
            }

            return head.StartsWith("type ", StringComparison.Ordinal) || head.StartsWith("result ", StringComparison.Ordinal) ? head : null;
        }

        private static TextDocument? FindFile(Project project, string name)
            => project.AdditionalDocuments.FirstOrDefault(d => string.Equals(Path.GetFileName(d.FilePath ?? d.Name), name, StringComparison.OrdinalIgnoreCase));
    }
}
