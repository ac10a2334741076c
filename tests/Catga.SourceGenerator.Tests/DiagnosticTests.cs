using Catga.Tests.Shared;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Tests;

public sealed class DiagnosticTests
{
    private const string Usings = """
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;

        """;

    [Fact]
    public void CATGA001_command_without_handler_in_a_project_that_has_handlers()
        => Verify("""
            [CatgaCommand] public partial record {|CATGA001:Orphan|}(int N) : ICommand<int>;
            [CatgaCommand] public partial record Handled(int N) : ICommand<int>;
            [CatgaEvent] public partial record NobodyListens;
            public sealed class HandledHandler : ICommandHandler<Handled, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Handled c, CancellationToken ct) => new(1);
            }
            """);

    [Fact]
    public void CATGA002_second_handler_of_one_command()
        => Verify("""
            [CatgaCommand] public partial record Ping : ICommand<int>;
            public sealed class A : ICommandHandler<Ping, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Ping c, CancellationToken ct) => new(1);
            }
            public sealed class {|CATGA002:B|} : ICommandHandler<Ping, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Ping c, CancellationToken ct) => new(2);
            }
            """);

    [Fact]
    public void CATGA003_private_handler_and_generic_handler()
        => Verify("""
            [CatgaCommand] public partial record Ping : ICommand<int>;
            [CatgaCommand] public partial record Pong : ICommand<int>;
            public static class Outer
            {
                private sealed class {|CATGA003:Hidden|} : ICommandHandler<Ping, int>
                {
                    public ValueTask<CatgaResult<int>> HandleAsync(Ping c, CancellationToken ct) => new(1);
                }
            }
            public sealed class {|CATGA003:Generic|}<T> : ICommandHandler<Pong, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Pong c, CancellationToken ct) => new(1);
            }
            """, ignore: "CATGA001");

    [Fact]
    public void CATGA004_not_partial_and_wrong_contracts()
        => Verify("""
            [CatgaCommand] public record {|CATGA004:NotPartial|}(int N);
            [CatgaQuery] public partial record {|CATGA004:QueryWithoutContract|}(int N);
            [CatgaEvent] public partial record {|CATGA004:EventThatIsACommand|} : ICommand;
            [CatgaCommand] public partial record {|CATGA004:Generic|}<T>(T Value);
            public class Plain
            {
                [CatgaCommand] public partial record {|CATGA004:InsideNonPartial|}(int N);
            }
            [CatgaCommand] public abstract partial record {|CATGA004:Abstract|}(int N);
            """);

    [Fact]
    public void CATGA005_handler_of_a_message_without_attribute()
        => Verify("""
            public sealed record Plain(int N) : IQuery<int>;
            public sealed class {|CATGA005:PlainHandler|} : IQueryHandler<Plain, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Plain q, CancellationToken ct) => new(q.N);
            }
            """);

    [Fact]
    public void No_CATGA005_for_the_handler_of_a_record_derived_from_a_message_which_cannot_be_annotated()
        => Verify("""
            [CatgaCommand] public partial record PlaceOrder(int N) : ICommand<int>;
            public sealed record PlaceExpressOrder(int N, bool ByAir) : PlaceOrder(N);
            public sealed class PlaceOrderHandler : ICommandHandler<PlaceOrder, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(PlaceOrder c, CancellationToken ct) => new(c.N);
            }
            public sealed class PlaceExpressOrderHandler : ICommandHandler<PlaceExpressOrder, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(PlaceExpressOrder c, CancellationToken ct) => new(c.N);
            }
            """);

    [Fact]
    public void CATGA006_behavior_whose_type_parameter_cannot_be_inferred()
        => Verify("""
            public sealed class {|CATGA006:Odd|}<TRequest, TResponse, TExtra> : IPipelineBehavior<TRequest, TResponse>
                where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest r, PipelineNext<TRequest, TResponse> next, CancellationToken ct) => next.InvokeAsync(r, ct);
            }
            """);

    [Fact]
    public void Correct_code_produces_no_diagnostics()
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("Shop", null, Sources.Shop));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void Diagnostics_honour_pragma_suppression()
    {
        var (output, _) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, Usings + """
            public sealed record Plain(int N) : IQuery<int>;
            #pragma warning disable CATGA005
            public sealed class PlainHandler : IQueryHandler<Plain, int>
            #pragma warning restore CATGA005
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Plain q, CancellationToken ct) => new(q.N);
            }
            """));
        var catga005 = output.GetDiagnostics().Where(d => d.Id == "CATGA005").ToList();
        Assert.DoesNotContain(catga005, d => !d.IsSuppressed && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Every_descriptor_has_a_help_link_to_its_docs_page()
    {
        var descriptors = typeof(CatgaGenerator).Assembly.GetType("Catga.SourceGenerator.CatgaDiagnosticDescriptors")!
            .GetFields()
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.Equal(17, descriptors.Count);
        string docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        foreach (var descriptor in descriptors)
        {
            Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(docs, descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md is missing");
        }
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [Fact]
    public void CATGA200_unsupported_member_types_are_reported_on_the_member()
        => Verify("""
            public interface IShape { }
            public sealed class Holder { public System.IO.Stream? {|CATGA200:Content|} { get; set; } }
            [CatgaEvent] public partial record Drawn(string Name, IShape {|CATGA200:Shape|}, object {|CATGA200:Tag|});
            [CatgaEvent] public partial record Uploaded(Holder Holder)
            {
                public int Computed => 42;
                public int[,] {|CATGA200:Grid|} { get; init; } = new int[0, 0];
            }
            """);

    [Fact]
    public void CATGA201_two_messages_with_one_wire_name()
        => Verify("""
            [CatgaEvent, Catga.Serialization.CatgaMessageName("orders.placed")] public partial record {|CATGA201:OrderPlaced|}(string Id);
            [CatgaEvent, Catga.Serialization.CatgaMessageName("orders.placed")] public partial record {|CATGA201:OrderPlacedAgain|}(string Id);
            [CatgaEvent, Catga.Serialization.CatgaMessageName("Shipped")] public partial record {|CATGA201:OrderShipped|}(string Id);
            [CatgaEvent] public partial record {|CATGA201:Shipped|}(string Id);
            [CatgaEvent, Catga.Serialization.CatgaMessageName("orders.placed.v2")] public partial record Distinct(string Id);
            """);

    [Fact]
    public void CATGA202_empty_or_padded_message_name()
        => Verify("""
            [CatgaEvent, {|CATGA202:Catga.Serialization.CatgaMessageName("")|}] public partial record A(string Id);
            [CatgaEvent, {|CATGA202:Catga.Serialization.CatgaMessageName(" b ")|}] public partial record B(string Id);
            """);

    [Fact]
    public void CATGA210_validation_attribute_that_cannot_apply_to_the_member_type()
        => Verify("""
            [CatgaEvent] public partial record Checked(
                [property: {|CATGA210:System.ComponentModel.DataAnnotations.Range(1, 5)|}] string Name,
                [property: {|CATGA210:System.ComponentModel.DataAnnotations.Required|}] int Count,
                [property: {|CATGA210:System.ComponentModel.DataAnnotations.StringLength(3)|}] int Code,
                [property: {|CATGA210:System.ComponentModel.DataAnnotations.Range(0.5, 2.5)|}] int Ratio,
                [property: System.ComponentModel.DataAnnotations.Range(1, 5)] int Fine,
                [property: {|CATGA210:Catga.Validation.Matches("Missing")|}] string Code2);
            """);

    [Fact]
    public void CATGA211_private_validate_hook()
        => Verify("""
            [CatgaEvent] public partial record Hidden(int A)
            {
                private void {|CATGA211:Validate|}(ref Catga.Validation.ValidationErrors errors) { }
            }
            [CatgaEvent] public partial record Visible(int A)
            {
                internal void Validate(ref Catga.Validation.ValidationErrors errors) { }
                private void Validate(int unrelated) { }
            }
            """);

    private static void Verify(string markup, string? ignore = null)
    {
        var (source, expected) = Markup.Parse(Usings + markup);
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, source));
        var actual = result.Diagnostics
            .Where(d => d.Id != ignore)
            .Select(d => (d.Id, d.Location.SourceSpan, Message: d.GetMessage()))
            .OrderBy(d => d.SourceSpan.Start)
            .ToList();
        Assert.Equal(
            expected.OrderBy(e => e.Span.Start).Select(e => $"{e.Id}@{e.Span}"),
            actual.Select(a => $"{a.Id}@{a.SourceSpan}"));
        Assert.All(actual, a => Assert.False(string.IsNullOrWhiteSpace(a.Message)));
    }
}
