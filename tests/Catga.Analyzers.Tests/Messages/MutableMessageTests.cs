using Catga.Analyzers.CodeFixes.Messages;
using Catga.Analyzers.Messages;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Messages;

public sealed class MutableMessageTests
{
    [Fact]
    public Task Settable_properties_and_writable_fields_of_messages_are_reported()
        => AnalyzerVerifier.VerifyAsync(new MutableMessageAnalyzer(), """
            [CatgaCommand]
            public partial class PlaceOrder : ICommand
            {
                public string Customer { get; {|CATGA103:set|}; } = "";
                public decimal Amount { get; internal {|CATGA103:set|}; }
                public int {|CATGA103:Quantity|};
            }

            public sealed record OrderShipped(int Id) : IEvent
            {
                public string? Carrier { get; {|CATGA103:set|}; }
            }
            """);

    [Fact]
    public Task Immutable_messages_and_non_messages_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new MutableMessageAnalyzer(), """
            [CatgaCommand]
            public partial record PlaceOrder(string Customer, decimal Amount) : ICommand
            {
                public int Quantity { get; init; }
                public string Note { get; private set; } = "";
                public static int Created { get; set; }
                public const int Limit = 10;
                public readonly int Version = 1;
                private int _cache;
                public int Cached => _cache;
            }

            public sealed class OrderView
            {
                public string Status { get; set; } = "";
                public int Count;
            }
            """);

    [Fact]
    public Task Fix_changes_set_to_init()
        => AnalyzerVerifier.VerifyFixAsync(new MutableMessageAnalyzer(), new MutableMessageCodeFixProvider(), """
            [CatgaCommand]
            public partial class PlaceOrder : ICommand
            {
                public string Customer { get; {|CATGA103:set|}; } = "";
            }
            """, """
            [CatgaCommand]
            public partial class PlaceOrder : ICommand
            {
                public string Customer { get; init; } = "";
            }
            """);

    [Fact]
    public Task Fix_all_makes_every_member_of_the_document_init_only()
        => AnalyzerVerifier.VerifyFixAllAsync(new MutableMessageAnalyzer(), new MutableMessageCodeFixProvider(), MutableMessageCodeFixProvider.EquivalenceKey, """
            [CatgaCommand]
            public partial class PlaceOrder : ICommand
            {
                public string Customer { get; {|CATGA103:set|}; } = "";
                public decimal Amount { get; internal {|CATGA103:set|}; }

                /// <summary>How many.</summary>
                public int {|CATGA103:Quantity|} = 1;
            }
            """, """
            [CatgaCommand]
            public partial class PlaceOrder : ICommand
            {
                public string Customer { get; init; } = "";
                public decimal Amount { get; internal init; }

                /// <summary>How many.</summary>
                public int Quantity { get; init; } = 1;
            }
            """);
}
