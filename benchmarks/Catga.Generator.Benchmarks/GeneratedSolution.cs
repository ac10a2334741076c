using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.Generator.Benchmarks;

/// <summary>
/// One generated project per framework, of the same shape: <c>count</c> request records and their handlers, ten per
/// file, half queries and half commands, plus the same number of unrelated classes with base lists (the classes a real
/// application also has, which a generator's syntax filter has to pass over). Catga's messages carry its attributes;
/// Mediator's implement its interfaces.
/// </summary>
internal static class GeneratedSolution
{
    private const int PerFile = 10;

    /// <summary>The method body that the one-line edit changes.</summary>
    public const string EditMarker = "value + 1";

    public static CSharpCompilation Create(string framework, int count)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        for (int first = 0; first < count; first += PerFile)
        {
            var source = new StringBuilder(framework == "Catga" ? "using Catga;\n" : "using Mediator;\n");
            source.AppendLine("""
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                """);
            source.AppendLine($"namespace Shop.Module{first / PerFile};");
            for (int i = first; i < Math.Min(first + PerFile, count); i++)
            {
                source.AppendLine(framework == "Catga" ? CatgaPair(i) : MediatorPair(i));
                source.AppendLine(Unrelated(i));
            }

            trees.Add(CSharpSyntaxTree.ParseText(source.ToString(), parseOptions, path: $"/bench/Module{first / PerFile}.cs"));
        }

        return CSharpCompilation.Create(
            "Shop",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The compilation with one line of one handler's method body changed, as a user types.</summary>
    public static CSharpCompilation EditOneHandler(CSharpCompilation compilation)
    {
        var tree = compilation.SyntaxTrees.First();
        string text = tree.ToString();
        int at = text.IndexOf(EditMarker, StringComparison.Ordinal);
        var edited = tree.WithChangedText(tree.GetText().Replace(at, EditMarker.Length, "value + 2"));
        return compilation.ReplaceSyntaxTree(tree, edited);
    }

    private static string CatgaPair(int i) => i % 2 == 0
        ? $$"""
            [CatgaQuery]
            public partial record GetPrice{{i}}(int Value) : IQuery<int>;

            public sealed class GetPrice{{i}}Handler : IQueryHandler<GetPrice{{i}}, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(GetPrice{{i}} query, CancellationToken cancellationToken)
                {
                    int value = query.Value;
                    return new(value + 1);
                }
            }
            """
        : $$"""
            [CatgaCommand]
            public partial record SetPrice{{i}}(int Value) : ICommand<int>;

            public sealed class SetPrice{{i}}Handler : ICommandHandler<SetPrice{{i}}, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(SetPrice{{i}} command, CancellationToken cancellationToken)
                {
                    int value = command.Value;
                    return new(value + 1);
                }
            }
            """;

    private static string MediatorPair(int i) => i % 2 == 0
        ? $$"""
            public sealed record GetPrice{{i}}(int Value) : IQuery<int>;

            public sealed class GetPrice{{i}}Handler : IQueryHandler<GetPrice{{i}}, int>
            {
                public ValueTask<int> Handle(GetPrice{{i}} query, CancellationToken cancellationToken)
                {
                    int value = query.Value;
                    return new(value + 1);
                }
            }
            """
        : $$"""
            public sealed record SetPrice{{i}}(int Value) : ICommand<int>;

            public sealed class SetPrice{{i}}Handler : ICommandHandler<SetPrice{{i}}, int>
            {
                public ValueTask<int> Handle(SetPrice{{i}} command, CancellationToken cancellationToken)
                {
                    int value = command.Value;
                    return new(value + 1);
                }
            }
            """;

    private static string Unrelated(int i) => $$"""
        public sealed class PriceList{{i}} : List<int>, IDisposable
        {
            public void Dispose() => Clear();
        }
        """;

    private static ImmutableArray<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Concat([
                typeof(ICatgaMediator).Assembly.Location,
                typeof(Mediator.IMediator).Assembly.Location,
                typeof(Microsoft.Extensions.DependencyInjection.ServiceLifetime).Assembly.Location,
                typeof(Microsoft.Extensions.DependencyInjection.ServiceCollection).Assembly.Location,
            ])
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
