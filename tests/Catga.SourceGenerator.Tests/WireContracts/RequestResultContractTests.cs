using Catga.SourceGenerator.WireContracts;
using Microsoft.CodeAnalysis;
using static Catga.SourceGenerator.Tests.WireContracts.WireContractHarness;

namespace Catga.SourceGenerator.Tests.WireContracts;

/// <summary>The result value a distributed request sends back (the T of CatgaResult&lt;T&gt;) is under the contract too:
/// a caller on the previous release reads the reply of a handler on the next one.</summary>
public sealed class RequestResultContractTests
{
    private const string Envelope = "MessageId: messageid; CorrelationId: messageid?; CausationId: messageid?";

    private const string ShippedV1 = $$"""
        # Shipped wire contracts
        message shop.get-order = Shop.GetOrder { {{Envelope}}; OrderId: string }
        result shop.get-order { Value: Shop.OrderView }
        type Shop.OrderView { OrderId: string; Total: decimal }
        message shop.count-orders = Shop.CountOrders { {{Envelope}}; CustomerId: string }
        result shop.count-orders { Value: int32 }
        """;

    private const string SourceV1 = """
        namespace Shop;
        [CatgaQuery, Catga.Serialization.CatgaMessageName("shop.get-order")]
        public partial record GetOrder(string OrderId) : IQuery<OrderView>;
        public sealed record OrderView(string OrderId, decimal Total);
        [CatgaQuery, Catga.Serialization.CatgaMessageName("shop.count-orders")]
        public partial record CountOrders(string CustomerId) : IQuery<int>;
        """;

    [Fact]
    public void Results_that_match_the_shipped_contract_report_nothing()
        => Assert.Empty(Run(SourceV1, ShippedV1));

    [Fact]
    public void A_new_request_records_its_result_next_to_it()
    {
        var diagnostics = Run(SourceV1, shipped: "", unshipped: "");

        Assert.Equal(2, diagnostics.Length);
        var getOrder = Assert.Single(diagnostics, d => d.GetMessage().Contains("'Shop.GetOrder'", StringComparison.Ordinal));
        Assert.Equal("CATGA304", getOrder.Id);
        Assert.Equal(
            [$"message shop.get-order = Shop.GetOrder {{ {Envelope}; OrderId: string }}", "result shop.get-order { Value: Shop.OrderView }", "type Shop.OrderView { OrderId: string; Total: decimal }"],
            getOrder.Properties[WireContractDiagnostics.EntriesProperty]!.Split('\n'));
    }

    [Fact]
    public void A_command_without_a_result_value_has_no_result_entry()
    {
        const string source = "namespace Shop; [CatgaCommand, Catga.Serialization.CatgaMessageName(\"shop.cancel\")] public partial record Cancel(string OrderId) : ICommand;";

        var diagnostic = Assert.Single(Run(source, shipped: "", unshipped: ""));

        Assert.Equal($"message shop.cancel = Shop.Cancel {{ {Envelope}; OrderId: string }}", diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void Retyping_a_primitive_result_is_an_error_naming_both_types()
    {
        string source = SourceV1.Replace("IQuery<int>", "IQuery<long>");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'Shop.CountOrders' breaks its shipped wire contract (result shop.count-orders): member 'Value' at position 0 was shipped as 'int32' and is now 'int64'", diagnostic.GetMessage());
        Assert.Contains("Callers on the previous release would misread the reply", diagnostic.GetMessage());
    }

    [Fact]
    public void Returning_another_result_type_is_an_error()
    {
        string source = SourceV1.Replace("IQuery<OrderView>", "IQuery<OrderSummary>") + "\npublic sealed record OrderSummary(string OrderId, decimal Total);";

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("was shipped as 'Shop.OrderView' and is now 'Shop.OrderSummary'", diagnostic.GetMessage());
    }

    [Fact]
    public void Making_a_result_a_list_is_an_error()
    {
        string source = SourceV1.Replace("IQuery<OrderView>", "IQuery<List<OrderView>>");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA302", diagnostic.Id);
        Assert.Contains("was shipped as 'Shop.OrderView' and is now 'list<Shop.OrderView>'", diagnostic.GetMessage());
    }

    [Fact]
    public void Appending_a_member_to_the_result_type_is_allowed_and_recorded()
    {
        string source = SourceV1.Replace("decimal Total)", "decimal Total, string? Status = null)");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA304", diagnostic.Id);
        Assert.Contains("'type Shop.OrderView' appends Status: string", diagnostic.GetMessage());
        Assert.Equal("type Shop.OrderView { OrderId: string; Total: decimal; Status: string }", diagnostic.Properties[WireContractDiagnostics.EntriesProperty]);
    }

    [Fact]
    public void Removing_a_member_of_the_result_type_is_an_error()
    {
        string source = SourceV1.Replace("public sealed record OrderView(string OrderId, decimal Total);", "public sealed record OrderView(string OrderId);");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Contains("(type Shop.OrderView): shipped member 'Total: decimal' at position 1 is gone", diagnostic.GetMessage());
    }

    [Fact]
    public void A_request_that_stops_returning_a_value_is_an_error_on_the_request()
    {
        string source = SourceV1.Replace("[CatgaQuery, Catga.Serialization.CatgaMessageName(\"shop.count-orders\")]", "[CatgaCommand, Catga.Serialization.CatgaMessageName(\"shop.count-orders\")]").Replace("IQuery<int>", "ICommand");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA300", diagnostic.Id);
        Assert.Contains("'Shop.CountOrders' breaks its shipped wire contract (result shop.count-orders): the shipped result 'Value: int32' is gone: the request no longer returns a value", diagnostic.GetMessage());
        Assert.Contains("Callers on the previous release would read a reply without the value they expect", diagnostic.GetMessage());
    }

    [Fact]
    public void Deleting_a_shipped_request_warns_on_its_message_and_result_lines()
    {
        string source = SourceV1[..SourceV1.IndexOf("[CatgaQuery, Catga.Serialization.CatgaMessageName(\"shop.count-orders\")]", StringComparison.Ordinal)];

        var diagnostics = Run(source, ShippedV1).OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal("CATGA305", d.Id));
        Assert.Contains("lists 'message shop.count-orders', but no message in this project has that wire name", diagnostics[0].GetMessage());
        Assert.Contains("lists 'result shop.count-orders', but no request in this project with that wire name returns a value", diagnostics[1].GetMessage());
    }

    [Fact]
    public void Renaming_a_request_reports_the_wire_name_change_once()
    {
        string source = SourceV1.Replace("\"shop.count-orders\"", "\"shop.orders-counted\"");

        var diagnostic = Assert.Single(Run(source, ShippedV1));

        Assert.Equal("CATGA303", diagnostic.Id);
        Assert.Contains("'Shop.CountOrders' was shipped with wire name 'shop.count-orders' and now has 'shop.orders-counted'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_result_entry_with_other_members_than_Value_is_an_error_in_the_file()
    {
        var diagnostic = Assert.Single(Run(SourceV1, ShippedV1 + "\nresult shop.other { Value: int32; Extra: string }"), d => d.Id == "CATGA306");

        Assert.Contains("a result entry has exactly one member, 'Value: <wire type>'", diagnostic.GetMessage());
    }

    [Fact]
    public void Saga_and_result_lines_read_back_to_the_same_shape()
    {
        string[] lines =
        [
            "result shop.get-order { Value: Shop.OrderView }",
            "result shop.count-orders { Value: map<string,list<int32?>> }",
            "saga order = Shop.OrderState { OrderId: string; Total: decimal }",
        ];
        foreach (var line in lines)
        {
            var shape = WireContractParser.ParseLine(line, out var problem);
            Assert.Null(problem);
            Assert.Equal(line, WireContractEmitter.Line(shape!));
        }
    }
}
