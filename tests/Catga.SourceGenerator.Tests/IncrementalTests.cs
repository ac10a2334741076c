using System.Collections;
using System.Reflection;
using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests;

public sealed class IncrementalTests
{
    private static readonly string[] s_trackedSteps = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToArray();

    /// <summary>Steps that run once per declaration of a kind the Shop sample does not contain (it has no saga), so
    /// they record nothing there.</summary>
    private static readonly HashSet<string> s_stepsWithoutInputInShop = [TrackingNames.Sagas];

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_tracked_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var changed = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Sources.Unrelated, GeneratorHarness.ParseOptions, path: "/src/Shop/Unrelated.cs"));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        AssertCached(result);
    }

    [Fact]
    public void Editing_an_unrelated_method_body_leaves_every_tracked_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop, Sources.Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Last();
        var edited = tree.WithChangedText(tree.GetText().Replace(Sources.Unrelated.IndexOf("\"0.00\"", StringComparison.Ordinal), 6, "\"0.000\""));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        AssertCached(result);
    }

    [Fact]
    public void Editing_a_handler_method_body_regenerates_no_source()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = tree.WithChangedText(tree.GetText().Replace(
            Sources.Shop.IndexOf("=> new(query.OrderId)", StringComparison.Ordinal),
            "=> new(query.OrderId)".Length,
            "=> new(query.OrderId + \"!\")"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        // The parse step re-runs because the positions kept for diagnostics move, but the models that source is
        // generated from are the candidates without positions, which compare equal, so they and every output are cached.
        // Declarations below the edit moved, so this file's per-declaration models ran again and compared equal.
        foreach (var name in new[] { TrackingNames.HandlerModels, TrackingNames.MessageSources, TrackingNames.SerializableMessages })
        {
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }

        foreach (var name in new[] { TrackingNames.Registration, TrackingNames.PipelineContext, TrackingNames.Pipelines, TrackingNames.Extension })
        {
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{name}: {o.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Where(o => AddsSource(o.Value)), o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"output: {o.Reason}"));
    }

    [Fact]
    public void Adding_a_handler_changes_the_registration_step()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var changed = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
            namespace Shop;
            public sealed class SecondMailer : Catga.IEventHandler<OrderCreated>
            {
                public System.Threading.Tasks.ValueTask HandleAsync(OrderCreated e, System.Threading.CancellationToken ct) => default;
            }
            """, GeneratorHarness.ParseOptions, path: "/src/Shop/Second.cs"));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();
        var registration = result.TrackedSteps[TrackingNames.Registration].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(registration, o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Adding_a_member_to_a_message_regenerates_its_formatter_and_nothing_else()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        const string Before = "public partial record CancelOrder(string OrderId);";
        var edited = tree.WithChangedText(tree.GetText().Replace(Sources.Shop.IndexOf(Before, StringComparison.Ordinal), Before.Length, "public partial record CancelOrder(string OrderId, string? Reason = null);"));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        var formatters = result.TrackedSteps[TrackingNames.Formatters].SelectMany(s => s.Outputs).ToList();
        Assert.Single(formatters, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Reason", ((Catga.SourceGenerator.Serialization.ObjectSpec)formatters.Single(o => o.Reason == IncrementalStepRunReason.Modified).Value).Members.Select(m => m.Name));
        Assert.All(result.TrackedSteps[TrackingNames.MessageTypeRegistry].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"registry: {o.Reason}"));
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Sources.Shop);
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        foreach (var name in s_trackedSteps)
        {
            if (!result.TrackedSteps.TryGetValue(name, out var steps))
            {
                Assert.True(s_stepsWithoutInputInShop.Contains(name), $"step {name} was not tracked; tracked: {string.Join(", ", result.TrackedSteps.Keys)}");
                continue;
            }

            foreach (var output in steps.SelectMany(s => s.Outputs))
            {
                AssertNoRoslynObjects(output.Value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    /// <summary>The steps that bind symbols: Roslyn runs them again on every compilation change (their input is a new
    /// semantic model or the compilation), so an equal result is reported as Unchanged; every later step must be Cached.</summary>
    private static readonly HashSet<string> s_bindingSteps =
    [
        TrackingNames.HandlerCandidates, TrackingNames.ParsedMessages, TrackingNames.AssemblyInfo, TrackingNames.ReferencedMessageTypes,
    ];

    private static void AssertCached(GeneratorRunResult result)
    {
        foreach (var name in s_trackedSteps.Where(n => result.TrackedSteps.ContainsKey(n) || !s_stepsWithoutInputInShop.Contains(n)))
        {
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(
                        reason == IncrementalStepRunReason.Cached || (s_bindingSteps.Contains(name) && reason == IncrementalStepRunReason.Unchanged),
                        $"step {name} produced {reason}");
                }
            }
        }
    }

    /// <summary>Whether a source output step's result added a file (the outputs that only report diagnostics add none).</summary>
    private static bool AddsSource(object value)
        => value is System.Runtime.CompilerServices.ITuple { Length: 2 } produced && produced[0] is IEnumerable added && added.GetEnumerator().MoveNext();

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel, $"{path} holds a {value.GetType().Name}");
        // A descriptor is immutable metadata shared by all runs; a location is reduced to LocationInfo values.
        if (value is DiagnosticDescriptor or Microsoft.CodeAnalysis.Text.TextSpan or Microsoft.CodeAnalysis.Text.LinePositionSpan)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", seen);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
