using Catga.SourceGenerator.Tests.Harness;
using Catga.SourceGenerator.Versioning;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests.Versioning;

/// <summary>Chains of message versions declared with IUpcastFrom, and what the generator says about bad ones.</summary>
public sealed class VersioningTests
{
    private const string Usings = """
        using Catga;
        using Catga.Serialization;
        using Catga.Versioning;

        """;

    [Fact]
    public void A_chain_of_three_versions_converts_the_oldest_through_each_step_and_compiles()
    {
        var (output, diagnostics, generated) = Run("""
            namespace Shop;
            [CatgaEvent, CatgaMessageName("paid")] public partial record PaidV1(int Cents) : IEvent;
            [CatgaEvent, CatgaMessageName("paid.v2")] public partial record PaidV2(decimal Amount) : IEvent, IUpcastFrom<PaidV1, PaidV2>
            {
                public static PaidV2 UpcastFrom(PaidV1 p) => new(p.Cents / 100m);
            }
            [CatgaEvent, CatgaMessageName("paid.v3")] public partial record Paid(decimal Amount, string Currency) : IEvent, IUpcastFrom<PaidV2, Paid>
            {
                static Paid IUpcastFrom<PaidV2, Paid>.UpcastFrom(PaidV2 p) => new(p.Amount, "EUR");
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        string v1 = generated["Catga.Versioning.Shop.PaidV1.g.cs"];
        Assert.Contains("CurrentVersionType => typeof(global::Shop.Paid);", v1);
        Assert.Contains("var version2 = global::Catga.Versioning.MessageUpcast.Step<global::Shop.PaidV1, global::Shop.PaidV2>(message);", v1);
        Assert.Contains("var version3 = global::Catga.Versioning.MessageUpcast.Step<global::Shop.PaidV2, global::Shop.Paid>(version2);", v1);
        Assert.Contains("return global::Catga.Versioning.MessageUpcast.KeepEnvelope(message, version3);", v1);
        Assert.Contains("CurrentVersionType => typeof(global::Shop.Paid);", generated["Catga.Versioning.Shop.PaidV2.g.cs"]);
        Assert.DoesNotContain(generated.Keys, k => k.Contains("Shop.Paid.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void CATGA307_two_newer_versions_of_one_version()
    {
        var (_, diagnostics, _) = Run("""
            namespace Shop;
            [CatgaEvent] public partial record A(int N) : IEvent;
            [CatgaEvent] public partial record B(int N) : IEvent, IUpcastFrom<A, B> { public static B UpcastFrom(A a) => new(a.N); }
            [CatgaEvent] public partial record C(int N) : IEvent, IUpcastFrom<A, C> { public static C UpcastFrom(A a) => new(a.N); }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CATGA307", diagnostic.Id);
        Assert.Equal("'Shop.A' is upcast by both 'Shop.B' and 'Shop.C'; a version has at most one next version, so a received 'Shop.A' knows what to become", diagnostic.GetMessage());
    }

    [Fact]
    public void CATGA308_versions_that_form_a_cycle()
    {
        var (_, diagnostics, _) = Run("""
            namespace Shop;
            [CatgaEvent] public partial record A(int N) : IEvent, IUpcastFrom<B, A> { public static A UpcastFrom(B b) => new(b.N); }
            [CatgaEvent] public partial record B(int N) : IEvent, IUpcastFrom<A, B> { public static B UpcastFrom(A a) => new(a.N); }
            """);

        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal("CATGA308", d.Id));
        Assert.Contains("Shop.A -> Shop.B -> ...", diagnostics[0].GetMessage());
    }

    [Fact]
    public void CATGA309_previous_version_that_is_not_partial_or_not_an_event()
    {
        var (_, diagnostics, _) = Run("""
            namespace Shop;
            public sealed record Plain(int N);
            [CatgaCommand] public partial record Old(int N) : ICommand;
            [CatgaEvent] public partial record FromPlain(int N) : IEvent, IUpcastFrom<Plain, FromPlain> { public static FromPlain UpcastFrom(Plain p) => new(p.N); }
            [CatgaEvent] public partial record FromCommand(int N) : IEvent, IUpcastFrom<Old, FromCommand> { public static FromCommand UpcastFrom(Old o) => new(o.N); }
            """);

        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal("CATGA309", d.Id));
        Assert.Contains(diagnostics, d => d.GetMessage() == "'Shop.FromPlain' cannot upcast from 'Shop.Plain': 'Shop.Plain' is not a [CatgaEvent]; versions with conversions are supported for events");
        Assert.Contains(diagnostics, d => d.GetMessage() == "'Shop.FromCommand' cannot upcast from 'Shop.Old': 'Shop.Old' is not a [CatgaEvent]; versions with conversions are supported for events");
    }

    private static (Compilation Output, Diagnostic[] Diagnostics, Dictionary<string, string> Generated) Run(string source)
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Usings + source);
        var driver = CSharpGeneratorDriver.Create(
            [new CatgaGenerator().AsSourceGenerator(), new VersioningGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions);
        var result = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _).GetRunResult();
        var versioning = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(VersioningGenerator));
        return (
            output,
            versioning.Diagnostics.ToArray(),
            versioning.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()));
    }
}
