using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Shared
{
    /// <summary>A diagnostic as values: it compares by value and becomes a <see cref="Diagnostic"/> only when reported.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
            => new(descriptor, LocationInfo.From(location), arguments.ToEquatableArray());

        /// <summary>
        /// Creates the diagnostic, placing it in <paramref name="compilation"/>'s syntax tree when the file is there, so
        /// <c>#pragma warning disable</c> and <c>[SuppressMessage]</c> apply to it as to any compiler diagnostic.
        /// </summary>
        public Diagnostic ToDiagnostic(Compilation compilation)
        {
            Microsoft.CodeAnalysis.Location? location = null;
            if (Location is { } info)
            {
                var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
                location = tree is not null ? Microsoft.CodeAnalysis.Location.Create(tree, info.Span) : info.ToLocation();
            }

            return Diagnostic.Create(Descriptor, location, Arguments.Cast<object>().ToArray());
        }
    }
}
