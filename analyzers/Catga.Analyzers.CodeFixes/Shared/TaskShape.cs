using Microsoft.CodeAnalysis;

namespace Catga.Analyzers.CodeFixes.Shared
{
    /// <summary>Classifies a return type as Task/ValueTask, Task&lt;T&gt;/ValueTask&lt;T&gt;, or neither.</summary>
    internal static class TaskShape
    {
        public enum Kind
        {
            None,
            NonGeneric,
            Generic,
        }

        public static Kind Of(ITypeSymbol type, Compilation compilation)
        {
            var definition = type.OriginalDefinition;
            if (Is(definition, compilation, "System.Threading.Tasks.Task") || Is(definition, compilation, "System.Threading.Tasks.ValueTask"))
            {
                return Kind.NonGeneric;
            }

            if (Is(definition, compilation, "System.Threading.Tasks.Task`1") || Is(definition, compilation, "System.Threading.Tasks.ValueTask`1"))
            {
                return Kind.Generic;
            }

            return Kind.None;
        }

        public static bool IsTaskOrValueTask(ITypeSymbol? type, Compilation compilation)
            => type is not null && Of(type, compilation) != Kind.None;

        private static bool Is(ITypeSymbol type, Compilation compilation, string metadataName)
            => SymbolEqualityComparer.Default.Equals(type, compilation.GetTypeByMetadataName(metadataName));
    }
}
