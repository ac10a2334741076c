using Catga.Analyzers.CodeFixes.Messages;
using Catga.Analyzers.Messaging;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Messaging;

public sealed class UndeclaredIdempotencyTests
{
    [Fact]
    public Task Distributed_commands_without_an_idempotency_declaration_are_reported()
        => AnalyzerVerifier.VerifyAsync(new UndeclaredIdempotencyAnalyzer(), """
            [CatgaCommand, Distributed]
            public partial record {|CATGA108:ChargeCard|}(string OrderId, decimal Amount) : ICommand<string>;

            [Distributed]
            public sealed record {|CATGA108:CancelOrder|}(string OrderId) : ICommand;

            [CatgaCommand]
            [Distributed]
            public partial record {|CATGA108:ShipOrder|}(string OrderId);
            """);

    [Fact]
    public Task Declared_local_queries_and_events_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new UndeclaredIdempotencyAnalyzer(), """
            [CatgaCommand, Distributed, Idempotent]
            public partial record ChargeCard(string OrderId, decimal Amount) : ICommand<string>;

            [CatgaCommand, Distributed, NaturallyIdempotent]
            public partial record SetPrice(string Sku, decimal Price) : ICommand;

            [CatgaCommand]
            public partial record PlaceOrder(string OrderId) : ICommand;

            [CatgaQuery, Distributed]
            public partial record GetOrder(string OrderId) : IQuery<string>;

            [CatgaEvent, Distributed]
            public partial record OrderPlaced(string OrderId) : IEvent;
            """);

    [Fact]
    public Task Fix_marks_the_command_idempotent()
        => AnalyzerVerifier.VerifyFixAsync(new UndeclaredIdempotencyAnalyzer(), new DeclareIdempotencyCodeFixProvider(), """
            /// <summary>Charges the card.</summary>
            [CatgaCommand, Distributed]
            public partial record {|CATGA108:ChargeCard|}(string OrderId, decimal Amount) : ICommand<string>;
            """, """
            /// <summary>Charges the card.</summary>
            [CatgaCommand, Distributed]
            [Idempotent]
            public partial record ChargeCard(string OrderId, decimal Amount) : ICommand<string>;
            """, DeclareIdempotencyCodeFixProvider.IdempotentKey);

    [Fact]
    public Task Fix_all_applies_the_chosen_declaration_to_every_command_in_the_document()
        => AnalyzerVerifier.VerifyFixAllAsync(new UndeclaredIdempotencyAnalyzer(), new DeclareIdempotencyCodeFixProvider(), DeclareIdempotencyCodeFixProvider.NaturallyIdempotentKey, """
            [CatgaCommand, Distributed]
            public partial record {|CATGA108:SetPrice|}(string Sku, decimal Price) : ICommand;

            [Distributed]
            public sealed record {|CATGA108:SetStock|}(string Sku, int Count) : ICommand;
            """, """
            [CatgaCommand, Distributed]
            [NaturallyIdempotent]
            public partial record SetPrice(string Sku, decimal Price) : ICommand;

            [Distributed]
            [NaturallyIdempotent]
            public sealed record SetStock(string Sku, int Count) : ICommand;
            """);
}
