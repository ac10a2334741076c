using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Tests;

/// <summary>[CatgaMediator]: the generated typed overloads (snapshot), their accessibility, and CATGA375.</summary>
public sealed class StaticMediatorTests
{
    private const string Sample = """
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;

        namespace Store;

        [CatgaMediator]
        public partial class StoreMediator;

        [CatgaQuery] public partial record GetPrice(string Sku) : IQuery<decimal>;
        [CatgaCommand] public partial record Restock(string Sku, int Count) : ICommand;
        [CatgaCommand] public partial record Reserve(string Sku) : ICommand<int>, ITracked;
        [CatgaCommand] internal partial record Purge(int Days) : ICommand<int>;

        public interface ITracked { }

        public sealed class GetPriceHandler : IQueryHandler<GetPrice, decimal>
        {
            public ValueTask<CatgaResult<decimal>> HandleAsync(GetPrice query, CancellationToken cancellationToken) => new(1.5m);
        }

        public sealed class RestockHandler : ICommandHandler<Restock>
        {
            public ValueTask<CatgaResult> HandleAsync(Restock command, CancellationToken cancellationToken) => new(CatgaResult.Success());
        }

        public sealed class ReserveHandler : ICommandHandler<Reserve, int>
        {
            public ValueTask<CatgaResult<int>> HandleAsync(Reserve command, CancellationToken cancellationToken) => new(7);
        }

        internal sealed class PurgeHandler : ICommandHandler<Purge, int>
        {
            public ValueTask<CatgaResult<int>> HandleAsync(Purge command, CancellationToken cancellationToken) => new(command.Days);
        }

        [PipelineBehavior(1)]
        public sealed class Tracking<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
            where TRequest : IRequest<TResponse>, ITracked
        {
            public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
                => next.InvokeAsync(request, cancellationToken);
        }
        """;

    [Fact]
    public void A_mediator_class_gets_one_typed_SendAsync_per_request_of_the_project_and_compiles_cleanly()
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("Store", null, Sample));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var files = result.Results.Single().GeneratedSources
            .Where(s => s.HintName == "Catga.Mediators.g.cs")
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Single(files);
        Snapshot.Match("StaticMediator", files);
    }

    [Fact]
    public void Overloads_bind_to_the_exact_request_type_and_internal_requests_get_internal_overloads()
    {
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile("Store", null, Sample));
        var mediator = output.GetTypeByMetadataName("Store.StoreMediator")!;
        var sends = mediator.GetMembers("SendAsync").OfType<IMethodSymbol>().Where(m => !m.IsGenericMethod).ToList();

        string Accessibility(string request) => sends.Single(m => m.Parameters[0].Type.Name == request).DeclaredAccessibility.ToString();
        Assert.Equal("Public", Accessibility("GetPrice"));
        Assert.Equal("Public", Accessibility("Restock"));
        Assert.Equal("Public", Accessibility("Reserve"));
        Assert.Equal("Internal", Accessibility("Purge"));
        // A command without a value keeps ICatgaMediator's result shape.
        Assert.Equal("System.Threading.Tasks.ValueTask<Catga.CatgaResult>", sends.Single(m => m.Parameters[0].Type.Name == "Restock").ReturnType.ToDisplayString());
        Assert.Contains(mediator.AllInterfaces, i => i.ToDisplayString() == "Catga.ICatgaMediator");
    }

    [Fact]
    public void A_project_without_a_mediator_class_gets_no_mediators_file()
    {
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile("Store", null, Sample.Replace("[CatgaMediator]", string.Empty, StringComparison.Ordinal)));

        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName == "Catga.Mediators.g.cs");
    }

    [Theory]
    [InlineData("public class M;", "is not partial")]
    [InlineData("public static partial class M;", "is static")]
    [InlineData("public partial class M<T>;", "is generic")]
    [InlineData("public partial class M { public M() { } }", "declares a constructor")]
    [InlineData("public partial class Outer { [CatgaMediator] public partial class M; }", "is nested in another type")]
    public void CATGA375_names_what_keeps_the_class_from_being_completed(string declaration, string expected)
    {
        string source = "using Catga;\nnamespace Store;\n" + (declaration.Contains("Outer", StringComparison.Ordinal) ? declaration : "[CatgaMediator] " + declaration);
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile("Store", null, source));

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "CATGA375");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(expected, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("M", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.DoesNotContain(result.Results.Single().GeneratedSources, s => s.HintName == "Catga.Mediators.g.cs");
    }
}
