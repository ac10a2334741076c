using Catga.SourceGenerator.WireContracts;
using Microsoft.CodeAnalysis;
using static Catga.SourceGenerator.Tests.WireContracts.WireContractHarness;

namespace Catga.SourceGenerator.Tests.WireContracts;

/// <summary>Every kind of change to a saga's stored state, checked against CatgaWire.Shipped.txt / Unshipped.txt like a
/// message: the state is written in Catga's binary format under the saga's name and read back by the next release.</summary>
public sealed class SagaStateContractTests
{
    private const string ShippedV1 = """
        # Shipped wire contracts
        saga order = Shop.OrderState { OrderId: string; Total: decimal; Lines: list<Shop.Line> }
        type Shop.Line { Sku: string; Quantity: int32 }
        """;

    private const string SourceV1 = """
        namespace Shop;
        [Catga.Sagas.Saga(Name = "order")]
        public sealed partial class OrderSaga : Catga.Sagas.Saga<OrderState>;
        public sealed record OrderState(string OrderId = "", decimal Total = 0m, List<Line> Lines = null!);
        public sealed record Line(string Sku, int Quantity);
        """;

    [Fact]
    public void A_saga_state_that_matches_the_shipped_contract_reports_nothing()
        => Assert.Empty(Run(SourceV1, ShippedV1));

    [Fact]
    public void A_new_saga_state_is_recorded_under_the_saga_name_with_the_types_it_reaches()
    {
        var diagnostic = Assert.Single(Run(SourceV1, shipped: "", unshipped: ""));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Contains("The wire contract of 'Shop.OrderSaga' is not recorded: 'saga order' is new", diagnostic.GetMessage());
        Assert.Equal(
            ShippedV1.Split('\n').Skip(1).Select(l => l.Trim()),
            diagnostic.Properties[WireContractDiagnostics.EntriesProperty]!.Split('\n'));
        Assert.Equal("OrderSaga", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public void A_saga_without_a_name_is_recorded_under_its_class_name()
    {
        var diagnostic = Assert.Single(Run(SourceV1.Replace("[Catga.Sagas.Saga(Name = \"order\")]", "[Catga.Sagas.Saga]"), shipped: "", unshipped: ""));

        Assert.StartsWith("saga OrderSaga = Shop.OrderState {", diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void Appending_a_state_member_is_allowed_but_asks_to_be_recorded()
    {
        string source = SourceV1.Replace("List<Line> Lines = null!)", "List<Line> Lines = null!, string? Coupon = null)");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("'saga order' appends Coupon: string", diagnostic.GetMessage());
        Assert.Equal("saga order = Shop.OrderState { OrderId: string; Total: decimal; Lines: list<Shop.Line>; Coupon: string }", diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void An_appended_state_member_recorded_in_Unshipped_reports_nothing()
    {
        string source = SourceV1.Replace("List<Line> Lines = null!)", "List<Line> Lines = null!, string? Coupon = null)");
        const string unshipped = "saga order = Shop.OrderState { OrderId: string; Total: decimal; Lines: list<Shop.Line>; Coupon: string }";

        Assert.Empty(Run(source, ShippedV1, unshipped));
    }

    [Fact]
    public void Removing_a_shipped_state_member_is_an_error_that_speaks_of_stored_instances()
    {
        string source = SourceV1.Replace("decimal Total = 0m, ", string.Empty);

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'Shop.OrderSaga' breaks its shipped wire contract (saga order): shipped member 'Total: decimal' at position 1 was removed or renamed; position 1 now holds 'Lines: list<Shop.Line>'", diagnostic.GetMessage());
        Assert.Contains("Stored saga instances would be read with values in the wrong members", diagnostic.GetMessage());
        Assert.DoesNotContain("wire name", diagnostic.GetMessage());
    }

    [Fact]
    public void Reordering_shipped_state_members_is_an_error()
    {
        string source = SourceV1.Replace("string OrderId = \"\", decimal Total = 0m", "decimal Total = 0m, string OrderId = \"\"");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA301", diagnostic.Id);
        Assert.Contains("shipped member 'OrderId' moved from position 0 to 1, and position 0 now holds 'Total'", diagnostic.GetMessage());
        Assert.Contains("stored saga instances would swap values", diagnostic.GetMessage());
    }

    [Fact]
    public void Retyping_a_shipped_state_member_is_an_error_naming_both_types()
    {
        string source = SourceV1.Replace("decimal Total = 0m", "double Total = 0");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("member 'Total' at position 1 was shipped as 'decimal' and is now 'double'", diagnostic.GetMessage());
        Assert.Contains("Stored saga instances cannot be read as the new type", diagnostic.GetMessage());
    }

    [Fact]
    public void Retyping_a_member_of_a_type_the_state_reaches_is_an_error_on_the_saga()
    {
        string source = SourceV1.Replace("int Quantity", "long Quantity");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("'Shop.OrderSaga' breaks its shipped wire contract (type Shop.Line): member 'Quantity' at position 1 was shipped as 'int32' and is now 'int64'", diagnostic.GetMessage());
        Assert.Contains("Stored saga instances", diagnostic.GetMessage());
    }

    [Fact]
    public void Replacing_the_state_type_with_one_of_the_same_shape_is_not_a_change()
    {
        string source = SourceV1.Replace("Saga<OrderState>", "Saga<OrderData>").Replace("record OrderState(", "record OrderData(");
        string shipped = ShippedV1.Replace("Shop.OrderState", "Shop.OrderData");

        Assert.Empty(Run(source, shipped));
    }

    [Fact]
    public void Renaming_a_shipped_saga_is_an_error_naming_both_names()
    {
        string source = SourceV1.Replace("Name = \"order\"", "Name = \"order-v2\"");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA303", diagnostic.Id);
        Assert.Contains("'Shop.OrderSaga' was shipped with saga name 'order' and now has 'order-v2'", diagnostic.GetMessage());
        Assert.Contains("Restore [Saga(Name = \"order\")]", diagnostic.GetMessage());
    }

    [Fact]
    public void Deleting_a_shipped_saga_warns_on_its_contract_line()
    {
        const string source = "namespace Shop; public sealed record Line(string Sku, int Quantity);";

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA305", diagnostic.Id);
        Assert.Equal(ShippedPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("lists 'saga order', but no saga in this project has that name", diagnostic.GetMessage());
    }

    [Fact]
    public void A_saga_entry_without_its_state_type_is_an_error_in_the_file()
    {
        var diagnostic = Assert.Single(Run(SourceV1, ShippedV1 + "\nsaga shipping { Carrier: string }"), d => d.Id == "CATGA306");

        Assert.Contains("a saga entry needs 'saga <saga name> = <state type>'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_type_shared_by_a_message_and_a_saga_state_is_one_entry()
    {
        string source = SourceV1 + """

            [Catga.CatgaEvent, Catga.Serialization.CatgaMessageName("shop.line-added")]
            public partial record LineAdded(string OrderId, Line Line) : Catga.IEvent;
            """;
        const string envelope = "MessageId: messageid; CorrelationId: messageid?; CausationId: messageid?";
        string shipped = ShippedV1 + $"\nmessage shop.line-added = Shop.LineAdded {{ {envelope}; OrderId: string; Line: Shop.Line }}";

        Assert.Empty(Run(source, shipped));
        var diagnostics = Run(source.Replace("int Quantity", "long Quantity"), shipped);
        Assert.Equal("CATGA302", Assert.Single(diagnostics).Id);
    }
}
