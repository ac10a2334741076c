using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Catga.SourceGenerator.Sagas
{
    /// <summary>Draws a saga's states and transitions as a Mermaid state diagram (stateDiagram-v2).</summary>
    internal static class SagaDiagram
    {
        public static string Build(IEnumerable<(string From, string To, string Label)> edges)
        {
            var sb = new StringBuilder();
            sb.Append("stateDiagram-v2\n");
            var finals = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var edge in edges
                .GroupBy(e => (e.From, e.To))
                .Select(g => (g.Key.From, g.Key.To, Label: string.Join(", ", g.Select(e => e.Label).Distinct().OrderBy(l => l, System.StringComparer.Ordinal))))
                .OrderBy(e => e.From == "Initial" ? 0 : 1)
                .ThenBy(e => e.From, System.StringComparer.Ordinal)
                .ThenBy(e => e.To, System.StringComparer.Ordinal))
            {
                sb.Append("    ").Append(Node(edge.From)).Append(" --> ").Append(Node(edge.To)).Append(" : ").Append(edge.Label).Append('\n');
                if (edge.To is "Completed" or "Failed")
                {
                    finals.Add(edge.To);
                }
            }

            foreach (var final in finals)
            {
                sb.Append("    ").Append(final).Append(" --> [*]\n");
            }

            return sb.ToString();
        }

        private static string Node(string state) => state == "Initial" ? "[*]" : state;
    }
}
