using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Tests.Harness;
using Catga.SourceGenerator.WireContracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Catga.SourceGenerator.Tests.WireContracts.WireContractHarness;

namespace Catga.SourceGenerator.Tests.WireContracts;

/// <summary>Every kind of change to a message's wire shape, checked against CatgaWire.Shipped.txt / Unshipped.txt.</summary>
public sealed class WireContractTests
{
    private const string Envelope = "MessageId: messageid; CorrelationId: messageid?; CausationId: messageid?";

    private const string ShippedV1 = $$"""
        # Shipped wire contracts
        message shop.order-placed = Shop.OrderPlaced { {{Envelope}}; OrderId: string; Quantity: int32; Lines: list<Shop.Line> }
        type Shop.Line { Sku: string; Price: decimal }
        """;

    private const string SourceV1 = """
        namespace Shop;
        [CatgaEvent, Catga.Serialization.CatgaMessageName("shop.order-placed")]
        public partial record OrderPlaced(string OrderId, int Quantity, List<Line> Lines) : IEvent;
        public sealed record Line(string Sku, decimal Price);
        """;

    [Fact]
    public void A_project_without_contract_files_is_not_checked()
        => Assert.Empty(Run(SourceV1, shipped: null));

    [Fact]
    public void Code_that_matches_the_shipped_contract_reports_nothing()
        => Assert.Empty(Run(SourceV1, ShippedV1));

    [Fact]
    public void Contract_lines_describe_what_the_binary_serializer_writes()
    {
        var diagnostic = Assert.Single(Run(SourceV1, shipped: "", unshipped: ""));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Equal(
            ShippedV1.Split('\n').Skip(1).Select(l => l.Trim()),
            diagnostic.Properties[WireContractDiagnostics.EntriesProperty]!.Split('\n'));
        Assert.Contains("'message shop.order-placed' is new", diagnostic.GetMessage());
        Assert.Equal("File0.cs", Path.GetFileName(diagnostic.Location.GetLineSpan().Path));
    }

    [Fact]
    public void A_new_message_recorded_in_Unshipped_reports_nothing()
        => Assert.Empty(Run(SourceV1, shipped: "", unshipped: ShippedV1));

    [Fact]
    public void Appending_a_member_is_allowed_but_asks_to_be_recorded()
    {
        string source = SourceV1.Replace("List<Line> Lines)", "List<Line> Lines, string? Coupon = null)");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("'message shop.order-placed' appends Coupon: string", diagnostic.GetMessage());
        Assert.Equal(
            $"message shop.order-placed = Shop.OrderPlaced {{ {Envelope}; OrderId: string; Quantity: int32; Lines: list<Shop.Line>; Coupon: string }}",
            diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void Run_next_to_the_Catga_generator_that_parsed_the_messages_first_the_check_reports_the_same()
    {
        // The two generators share each message's wire-format parse within a compilation (SerializationParser.ParseShared).
        string source = SourceV1.Replace("List<Line> Lines)", "List<Line> Lines, string? Coupon = null)");
        var alone = Run(source, ShippedV1);
        var (_, compilation) = WireContractHarness.Create(source, ShippedV1, null);
        var together = CSharpGeneratorDriver.Create(
                [new CatgaGenerator().AsSourceGenerator(), new WireContractGenerator().AsSourceGenerator()],
                additionalTexts: [new WireContractHarness.InMemoryAdditionalText(WireContractHarness.ShippedPath, ShippedV1)],
                parseOptions: GeneratorHarness.ParseOptions)
            .RunGenerators(compilation)
            .GetRunResult()
            .Diagnostics
            .Where(d => d.Id.StartsWith("CATGA30", StringComparison.Ordinal))
            .ToList();

        Assert.Equal("CATGA304", Assert.Single(alone).Id);
        Assert.Equal(alone.Select(d => d.ToString()), together.Select(d => d.ToString()));
    }

    [Fact]
    public void An_appended_member_recorded_in_Unshipped_reports_nothing()
    {
        string source = SourceV1.Replace("List<Line> Lines)", "List<Line> Lines, string? Coupon = null)");
        string unshipped = $"message shop.order-placed = Shop.OrderPlaced {{ {Envelope}; OrderId: string; Quantity: int32; Lines: list<Shop.Line>; Coupon: string }}";

        Assert.Empty(Run(source, ShippedV1, unshipped));
    }

    [Fact]
    public void Appending_a_member_to_a_reachable_type_is_allowed_and_recorded_on_the_message()
    {
        string source = SourceV1.Replace("decimal Price)", "decimal Price, int Weight)");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Contains("'type Shop.Line' appends Weight: int32", diagnostic.GetMessage());
        Assert.Equal("type Shop.Line { Sku: string; Price: decimal; Weight: int32 }", diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void Removing_a_shipped_member_is_an_error_naming_the_member()
    {
        string source = SourceV1.Replace("int Quantity, ", string.Empty);

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("shipped member 'Quantity: int32' at position 4 was removed or renamed; position 4 now holds 'Lines: list<Shop.Line>'", diagnostic.GetMessage());
        Assert.Contains("put the member back where it was", diagnostic.GetMessage());
    }

    [Fact]
    public void Removing_the_last_shipped_member_is_an_error()
    {
        string source = SourceV1.Replace(", List<Line> Lines", string.Empty);

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Contains("shipped member 'Lines: list<Shop.Line>' at position 5 is gone", diagnostic.GetMessage());
    }

    [Fact]
    public void Renaming_a_shipped_member_is_an_error()
    {
        string source = SourceV1.Replace("int Quantity", "int Count");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Contains("'Quantity: int32' at position 4 was removed or renamed; position 4 now holds 'Count: int32'", diagnostic.GetMessage());
    }

    [Fact]
    public void Reordering_shipped_members_is_an_error_even_when_their_types_match()
    {
        string source = SourceV1.Replace("string OrderId, int Quantity", "string OrderId, int Quantity, string Note").Replace("string OrderId, int Quantity, string Note", "string Note, string OrderId, int Quantity");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA301", diagnostic.Id);
        Assert.Contains("shipped member 'OrderId' moved from position 3 to 4, and position 3 now holds 'Note'", diagnostic.GetMessage());
    }

    [Fact]
    public void Retyping_a_shipped_member_is_an_error_naming_both_types()
    {
        string source = SourceV1.Replace("int Quantity", "long Quantity");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("member 'Quantity' at position 4 was shipped as 'int32' and is now 'int64'", diagnostic.GetMessage());
    }

    [Fact]
    public void Making_a_shipped_member_nullable_is_a_retype()
    {
        string source = SourceV1.Replace("int Quantity", "int? Quantity");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("was shipped as 'int32' and is now 'int32?'", diagnostic.GetMessage());
    }

    [Fact]
    public void Retyping_a_member_of_a_reachable_type_is_an_error_on_the_message()
    {
        string source = SourceV1.Replace("decimal Price", "double Price");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("'Shop.OrderPlaced' breaks its shipped wire contract (type Shop.Line): member 'Price' at position 1 was shipped as 'decimal' and is now 'double'", diagnostic.GetMessage());
        Assert.Equal("File0.cs", Path.GetFileName(diagnostic.Location.GetLineSpan().Path));
    }

    [Fact]
    public void Changing_a_collection_kind_that_keeps_the_bytes_is_not_a_change()
    {
        Assert.Empty(Run(SourceV1.Replace("List<Line> Lines", "Line[] Lines"), ShippedV1));
        Assert.Empty(Run(SourceV1.Replace("List<Line> Lines", "IReadOnlyList<Line> Lines"), ShippedV1));
    }

    [Fact]
    public void Renaming_a_wire_name_is_an_error_naming_both_names()
    {
        string source = SourceV1.Replace("\"shop.order-placed\"", "\"shop.order-created\"");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA303", diagnostic.Id);
        Assert.Contains("'Shop.OrderPlaced' was shipped with wire name 'shop.order-placed' and now has 'shop.order-created'", diagnostic.GetMessage());
    }

    [Fact]
    public void Renaming_a_type_whose_wire_name_follows_its_C_sharp_name_is_a_wire_name_change()
    {
        const string shipped = $"message Shop.Refund = Shop.Refund {{ {Envelope}; OrderId: string; Amount: decimal }}";
        const string source = "namespace Shop; [CatgaEvent] public partial record Repayment(string OrderId, decimal Amount) : IEvent;";

        var diagnostic = Assert.Single(Run(source, shipped));

        Assert.Equal("CATGA303", diagnostic.Id);
        Assert.Contains("was shipped with wire name 'Shop.Refund' and now has 'Shop.Repayment'", diagnostic.GetMessage());
    }

    [Fact]
    public void Deleting_a_shipped_message_warns_on_its_contract_line()
    {
        string shipped = ShippedV1 + $"\nmessage shop.refunded = Shop.Refunded {{ {Envelope}; OrderId: string }}";

        var diagnostic = Assert.Single(Run(SourceV1, shipped));

        Assert.Equal("CATGA305", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(ShippedPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(3, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("CatgaWire.Shipped.txt lists 'message shop.refunded', but no message in this project has that wire name", diagnostic.GetMessage());
    }

    [Fact]
    public void A_line_that_cannot_be_read_is_an_error_in_the_file()
    {
        var diagnostics = Run(SourceV1, ShippedV1 + "\nmessage broken { OrderId string }");

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "CATGA306");
        Assert.Equal(ShippedPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Contains("a message entry needs 'message <wire name> = <type>'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_duplicate_entry_is_an_error_in_the_file()
    {
        var diagnostics = Run(SourceV1, ShippedV1 + "\ntype Shop.Line { Sku: string; Price: decimal }");

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CATGA306", diagnostic.Id);
        Assert.Contains("'type Shop.Line' appears more than once", diagnostic.GetMessage());
    }

    [Fact]
    public void Every_written_line_reads_back_to_the_same_shape()
    {
        foreach (var line in ShippedV1.Split('\n').Skip(1))
        {
            var shape = WireContractParser.ParseLine(line.Trim(), out var problem);
            Assert.Null(problem);
            Assert.Equal(line.Trim(), WireContractEmitter.Line(shape!));
        }
    }

    [Fact]
    public void Editing_an_unrelated_file_keeps_the_contract_check_cached()
    {
        var (driver, compilation) = Create(SourceV1, ShippedV1, null);
        driver = driver.RunGenerators(compilation);
        var changed = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Shop; public static class Unrelated { public static int F() => 1; }", (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: "/src/Shop/Unrelated.cs"));

        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        var step = Assert.Single(result.TrackedSteps[WireContractTrackingNames.ContractCheck]);
        Assert.All(step.Outputs, o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }
}
