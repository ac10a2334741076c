using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Tests;

public sealed class CrossAssemblyTests
{
    [Fact]
    public void Host_registration_calls_the_module_of_a_referenced_library_and_both_compile()
    {
        var library = GeneratorHarness.Compile("Inventory.Lib", null, """
            using System.Threading;
            using System.Threading.Tasks;
            using Catga;
            namespace Inventory;
            [CatgaCommand] public partial record Reserve(string Sku) : ICommand<int>;
            public sealed class ReserveHandler : ICommandHandler<Reserve, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Reserve c, CancellationToken ct) => new(1);
            }
            """);
        var (libraryOutput, libraryResult) = GeneratorHarness.Run(library);
        Assert.Empty(GeneratorHarness.CompilerProblems(libraryOutput));
        using var image = new MemoryStream();
        Assert.True(libraryOutput.Emit(image).Success);
        var reference = MetadataReference.CreateFromImage(image.ToArray());

        var host = GeneratorHarness.Compile("Shop.Host", [reference], """
            using System.Threading;
            using System.Threading.Tasks;
            using Catga;
            namespace Shop;
            [CatgaCommand] public partial record Reserve(string Sku) : ICommand<int>;
            public sealed class ReserveHandler : ICommandHandler<Reserve, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Reserve c, CancellationToken ct) => new(2);
            }
            public static class Startup
            {
                public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => services.AddCatga().AddGeneratedHandlers();
            }
            """);
        var (hostOutput, hostResult) = GeneratorHarness.Run(host);

        // Same simple type names in both assemblies, yet no clash: generated types live in per-assembly modules.
        Assert.Empty(GeneratorHarness.CompilerProblems(hostOutput));
        var module = hostResult.Results.Single().GeneratedSources.Single(s => s.HintName == "Catga.Module.Shop_HostCatgaModule.g.cs").SourceText.ToString();
        Assert.Contains("global::Catga.Generated.Inventory_LibCatgaModule.Register(builder);", module);
        Assert.Empty(libraryResult.Diagnostics);
    }
}
