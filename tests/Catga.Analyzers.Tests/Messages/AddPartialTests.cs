using Catga.Analyzers.CodeFixes.Messages;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Messages;

/// <summary>The code fix for the generator's CATGA004; the diagnostic itself is tested with the generator.</summary>
public sealed class AddPartialTests
{
    private static Task<System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Diagnostic>> Diagnose(Microsoft.CodeAnalysis.Document document)
        => GeneratorDiagnostics.GetAsync(document, "CATGA004");

    [Fact]
    public Task Fix_adds_partial_to_the_message()
        => AnalyzerVerifier.VerifyFixAsync(Diagnose, new AddPartialCodeFixProvider(), """
            [CatgaCommand]
            public sealed record {|CATGA004:PlaceOrder|}(string Customer) : ICommand;
            """, """
            [CatgaCommand]
            public sealed partial record PlaceOrder(string Customer) : ICommand;
            """);

    [Fact]
    public Task Fix_adds_partial_to_containing_types_without_modifiers()
        => AnalyzerVerifier.VerifyFixAsync(Diagnose, new AddPartialCodeFixProvider(), """
            namespace Shop
            {
                // Orders of the shop.
                class Orders
                {
                    [CatgaEvent]
                    record {|CATGA004:Shipped|}(int Id) : IEvent;
                }
            }
            """, """
            namespace Shop
            {
                // Orders of the shop.
                partial class Orders
                {
                    [CatgaEvent]
                    partial record Shipped(int Id) : IEvent;
                }
            }
            """);

    [Fact]
    public Task Fix_all_makes_every_message_and_container_in_the_document_partial()
        => AnalyzerVerifier.VerifyFixAllAsync(Diagnose, new AddPartialCodeFixProvider(), AddPartialCodeFixProvider.EquivalenceKey, """
            public static class Orders
            {
                [CatgaCommand] public record {|CATGA004:Place|}(int Id) : ICommand;
                [CatgaQuery] public partial record {|CATGA004:Find|}(int Id) : IQuery<string>;
            }

            [CatgaEvent] public sealed class {|CATGA004:Placed|} : IEvent;
            """, """
            public static partial class Orders
            {
                [CatgaCommand] public partial record Place(int Id) : ICommand;
                [CatgaQuery] public partial record Find(int Id) : IQuery<string>;
            }

            [CatgaEvent] public sealed partial class Placed : IEvent;
            """);
}
