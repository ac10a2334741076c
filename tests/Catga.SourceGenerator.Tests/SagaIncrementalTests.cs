using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests;

/// <summary>The saga step of the generator is incremental: edits that do not change a saga's model reuse its output.</summary>
public sealed class SagaIncrementalTests
{
    private const string Saga = """
        using Catga;
        using Catga.Sagas;

        namespace Shop;

        [CatgaEvent]
        public partial record ParcelBooked(string ParcelId);

        [CatgaEvent]
        public partial record ParcelDelivered(string ParcelId);

        public sealed record ParcelState(int Attempts = 0);

        [Saga]
        public sealed partial class ParcelSaga : Saga<ParcelState>
        {
            public const string InTransit = nameof(InTransit);

            [Correlate] private static string Key(ParcelBooked m) => m.ParcelId;

            [Correlate] private static string Key(ParcelDelivered m) => m.ParcelId;

            [Starts]
            public SagaStep Start(ParcelBooked m) => Transition(State, to: InTransit);

            [In(InTransit)]
            public SagaStep Handle(ParcelDelivered m) => Complete();
        }
        """;

    private static readonly string[] s_sagaSteps = [TrackingNames.Sagas, TrackingNames.SagaRegistration];

    [Fact]
    public void Adding_an_unrelated_file_leaves_the_saga_steps_and_outputs_cached()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop, Saga);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var changed = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Sources.Unrelated, GeneratorHarness.ParseOptions, path: "/src/Shop/Unrelated.cs"));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        AssertSagaStepsCached(result);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void Editing_a_saga_handler_body_without_changing_its_transitions_regenerates_no_source()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop, Saga);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Last();
        const string Before = "=> Complete();";
        var edited = tree.WithChangedText(tree.GetText().Replace(Saga.IndexOf(Before, StringComparison.Ordinal), Before.Length, "=> Complete(State with { Attempts = State.Attempts + 1 });"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[TrackingNames.SagaRegistration].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"registration: {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void Adding_a_handler_to_a_saga_modifies_the_saga_step()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop, Saga);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Last();
        const string Anchor = "    [In(InTransit)]";
        var edited = tree.WithChangedText(tree.GetText().Replace(Saga.IndexOf(Anchor, StringComparison.Ordinal), 0, "    [In(InTransit)]\n    public SagaStep Again(ParcelBooked m) => Stay();\n\n"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Sagas].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    private static void AssertSagaStepsCached(GeneratorRunResult result)
    {
        foreach (var name in s_sagaSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} did not run: the source has a saga");
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} produced {o.Reason}"));
        }
    }
}
