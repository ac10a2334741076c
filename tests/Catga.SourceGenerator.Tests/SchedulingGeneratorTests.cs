using Catga.SourceGenerator.Scheduling;
using Catga.SourceGenerator.Tests.Harness;
using Catga.Tests.Shared;
using Cronos;

namespace Catga.SourceGenerator.Tests;

/// <summary>[Recurring]: its diagnostics (CATGA330-CATGA333), its entry in the generated registry, and the build-time
/// cron check agreeing with Cronos, which the runtime uses.</summary>
public sealed class SchedulingGeneratorTests
{
    private const string Usings = """
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;
        using Catga.Scheduling;

        """;

    [Fact]
    public void CATGA330_invalid_cron_expressions_are_build_errors()
        => Verify("""
            [CatgaEvent, Distributed, {|CATGA330:Recurring("0 */15 * * *  *  *")|}] public partial record SevenFields;
            [CatgaEvent, Distributed, {|CATGA330:Recurring("61 * * * *")|}] public partial record MinuteOutOfRange;
            [CatgaEvent, Distributed, {|CATGA330:Recurring("0 0 * FOO *")|}] public partial record BadMonthName;
            [CatgaEvent, Distributed, {|CATGA330:Recurring("*/0 * * * *")|}] public partial record ZeroStep;
            [CatgaEvent, Distributed, {|CATGA330:Recurring("@sometimes")|}] public partial record UnknownMacro;
            [CatgaEvent, Distributed, {|CATGA330:Recurring("")|}] public partial record Empty;
            [CatgaEvent, Distributed, Recurring("0 */15 * * * *", TimeZone = "Europe/Berlin")] public partial record Fine;
            [CatgaEvent, Distributed, Recurring("0 9 * * MON-FRI")] public partial record Weekdays;
            [CatgaEvent, Distributed, Recurring("0 0 L * ?")] public partial record LastDay;
            [CatgaEvent, Distributed, Recurring("@daily")] public partial record Daily;
            """);

    [Fact]
    public void CATGA331_malformed_time_zone_ids_are_build_errors()
        => Verify("""
            [CatgaEvent, Distributed, {|CATGA331:Recurring("0 * * * *", TimeZone = "Europe/")|}] public partial record TrailingSlash;
            [CatgaEvent, Distributed, {|CATGA331:Recurring("0 * * * *", TimeZone = "Berlin Time Zone")|}] public partial record NotWindows;
            [CatgaEvent, Distributed, {|CATGA331:Recurring("0 * * * *", TimeZone = "Europe/Berlin;")|}] public partial record BadCharacter;
            [CatgaEvent, Distributed, {|CATGA331:Recurring("0 * * * *", TimeZone = "+01:00")|}] public partial record Offset;
            [CatgaEvent, Distributed, Recurring("0 * * * *", TimeZone = "America/Argentina/Buenos_Aires")] public partial record ThreeSegments;
            [CatgaEvent, Distributed, Recurring("0 * * * *", TimeZone = "W. Europe Standard Time")] public partial record Windows;
            [CatgaEvent, Distributed, Recurring("0 * * * *", TimeZone = "UTC")] public partial record Utc;
            [CatgaEvent, Distributed, Recurring("0 * * * *", TimeZone = "Etc/GMT+5")] public partial record EtcOffset;
            """);

    [Fact]
    public void CATGA332_a_recurring_message_nobody_consumes_is_a_warning()
        => Verify("""
            [CatgaEvent, {|CATGA332:Recurring(IntervalSeconds = 60)|}] public partial record Orphan;
            [CatgaEvent, Recurring(IntervalSeconds = 60)] public partial record Handled;
            [CatgaEvent, Distributed, Recurring(IntervalSeconds = 60)] public partial record ConsumedElsewhere;
            public sealed class HandledHandler : IEventHandler<Handled>
            {
                public ValueTask HandleAsync(Handled e, CancellationToken ct) => default;
            }
            """);

    [Fact]
    public void CATGA333_messages_that_cannot_recur_are_build_errors()
        => Verify("""
            [{|CATGA333:Recurring(IntervalSeconds = 5)|}] public partial record NotAMessage;
            [CatgaEvent, Distributed, {|CATGA333:Recurring(IntervalSeconds = 5)|}] public partial record NeedsArguments(string Id);
            [CatgaEvent, Distributed, {|CATGA333:Recurring("* * * * *", IntervalSeconds = 5)|}] public partial record Both;
            [CatgaEvent, Distributed, {|CATGA333:Recurring|}] public partial record Neither;
            [CatgaEvent, Distributed, {|CATGA333:Recurring(IntervalSeconds = 5, TimeZone = "UTC")|}] public partial record ZoneWithInterval;
            [CatgaEvent, Distributed, Recurring(IntervalSeconds = 5)] public partial record OptionalArguments(int Count = 1);
            """);

    [Fact]
    public void The_registry_entry_carries_the_schedule_and_compiles()
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("Shop", null, Usings + """
            namespace Shop;
            [CatgaEvent, Distributed, Recurring("0 */15 * * * *", TimeZone = "Europe/Berlin")] public partial record ReconcileLedger;
            [CatgaCommand, Distributed, Recurring(IntervalSeconds = 30, CatchUp = RecurringCatchUp.Skip)] public partial record Heartbeat;
            public sealed class Ledger : IEventHandler<ReconcileLedger> { public ValueTask HandleAsync(ReconcileLedger e, CancellationToken ct) => default; }
            public sealed class Beat : ICommandHandler<Heartbeat> { public ValueTask<CatgaResult> HandleAsync(Heartbeat c, CancellationToken ct) => new(CatgaResult.Success()); }
            """));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        string registry = string.Join("\n", result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));
        Assert.Contains("Recurring = global::Catga.Scheduling.RecurringSchedule.FromAttribute(\"0 */15 * * * *\", \"Europe/Berlin\", 0, (global::Catga.Scheduling.RecurringCatchUp)0, static () => new global::Shop.ReconcileLedger())", registry);
        Assert.Contains("Recurring = global::Catga.Scheduling.RecurringSchedule.FromAttribute(null, null, 30, (global::Catga.Scheduling.RecurringCatchUp)1, static () => new global::Shop.Heartbeat())", registry);
    }

    [Fact]
    public void The_recurring_step_is_cached_when_an_unrelated_file_is_added_and_holds_no_roslyn_objects()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Usings + """
            namespace Shop;
            [CatgaEvent, Recurring(IntervalSeconds = 60)] public partial record Orphan;
            [CatgaEvent, Distributed, Recurring("bad")] public partial record Broken;
            """);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        var model = Assert.Single(first.TrackedSteps[RecurringParser.TrackingName]).Outputs.Single().Value;
        var specs = Assert.IsType<Catga.SourceGenerator.Shared.EquatableArray<RecurringSpec>>(model);
        Assert.Equal(["global::Shop.Broken", "global::Shop.Orphan"], specs.Select(s => s.MessageType));

        var changed = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Shop; public static class Unrelated { }", GeneratorHarness.ParseOptions, path: "/src/Shop/Unrelated.cs"));
        var second = driver.RunGenerators(changed).GetRunResult().Results.Single();
        Assert.All(
            second.TrackedSteps[RecurringParser.TrackingName].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is Microsoft.CodeAnalysis.IncrementalStepRunReason.Cached or Microsoft.CodeAnalysis.IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    /// <summary>Expressions Cronos reads the same way the build-time check does: valid ones parse, invalid ones throw.</summary>
    [Theory]
    [InlineData("* * * * *")]
    [InlineData("0 */15 * * * *")]
    [InlineData("0 9 * * MON-FRI")]
    [InlineData("0 0 1,15 * *")]
    [InlineData("30 2 L * *")]
    [InlineData("0 0 LW * *")]
    [InlineData("0 0 L-3 * *")]
    [InlineData("0 0 15W * *")]
    [InlineData("0 0 ? * 5L")]
    [InlineData("0 0 ? * MON#2")]
    [InlineData("0 0 * JAN-MAR ?")]
    [InlineData("5-10/2 * * * * *")]
    [InlineData("0 0 * * 7")]
    [InlineData("@hourly")]
    [InlineData("@every_second")]
    [InlineData("0 22-2 * * *")]
    [InlineData("61 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * 32 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("* * * * 8")]
    [InlineData("*/0 * * * *")]
    [InlineData("* * * *")]
    [InlineData("* * * * * * *")]
    [InlineData("a * * * *")]
    [InlineData("1,,2 * * * *")]
    [InlineData("? * * * *")]
    [InlineData("@sometimes")]
    [InlineData("0 0 ? * ?")]
    public void The_build_time_check_agrees_with_Cronos(string expression)
    {
        bool buildAccepts = CronSyntax.Check(expression) is null;
        bool cronosAccepts;
        try
        {
            CronExpression.Parse(expression, expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            cronosAccepts = true;
        }
        catch (CronFormatException)
        {
            cronosAccepts = false;
        }

        Assert.Equal(cronosAccepts, buildAccepts);
    }

    private static void Verify(string markup)
    {
        var (source, expected) = Markup.Parse(Usings + markup);
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, source));
        var actual = result.Diagnostics
            .Where(d => d.Id.StartsWith("CATGA33", StringComparison.Ordinal))
            .Select(d => (d.Id, d.Location.SourceSpan, Message: d.GetMessage()))
            .OrderBy(d => d.SourceSpan.Start)
            .ToList();
        Assert.Equal(
            expected.OrderBy(e => e.Span.Start).Select(e => $"{e.Id}@{e.Span}"),
            actual.Select(a => $"{a.Id}@{a.SourceSpan}"));
        Assert.All(actual, a => Assert.False(string.IsNullOrWhiteSpace(a.Message)));
    }
}
