using Catga.Analyzers.CodeFixes.Serialization;
using Catga.Analyzers.Serialization;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Serialization;

public sealed class MessageMissingFromJsonContextTests
{
    /// <summary>Stands in for the attribute the serialization work adds to Catga; the analyzer finds it by metadata name.</summary>
    private const string ContextAttribute = """
        namespace Catga.Serialization { [System.AttributeUsage(System.AttributeTargets.Class)] public sealed class CatgaJsonContextAttribute : System.Attribute { } }

        """;

    private const string ContextBody = """
        {
            public AppJsonContext() : base(null) { }
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    private const string Usings = """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using Catga.Serialization;

        """;

    [Fact]
    public Task Messages_not_listed_on_the_context_are_reported()
        => AnalyzerVerifier.VerifyAsync(new MessageMissingFromJsonContextAnalyzer(), Usings + """
            [CatgaCommand] public partial record {|CATGA107:PlaceOrder|}(string Customer) : ICommand;
            [CatgaEvent] public partial record OrderPlaced(string Customer) : IEvent;
            [CatgaQuery] public partial record {|CATGA107:GetOrder|}(string Id) : IQuery<string>;

            [CatgaJsonContext]
            [JsonSerializable(typeof(OrderPlaced))]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute);

    [Fact]
    public Task Nothing_is_reported_without_a_Catga_context_or_when_every_message_is_listed()
        => AnalyzerVerifier.VerifyAsync(new MessageMissingFromJsonContextAnalyzer(), Usings + """
            [CatgaCommand] public partial record PlaceOrder(string Customer) : ICommand;
            public sealed record NotAMessage(int N);

            [CatgaJsonContext]
            [JsonSerializable(typeof(PlaceOrder))]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute);

    [Fact]
    public Task A_context_without_the_Catga_attribute_does_not_turn_the_rule_on()
        => AnalyzerVerifier.VerifyAsync(new MessageMissingFromJsonContextAnalyzer(), Usings + """
            [CatgaCommand] public partial record PlaceOrder(string Customer) : ICommand;

            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute);

    [Fact]
    public Task Fix_adds_JsonSerializable_to_the_context()
        => AnalyzerVerifier.VerifyFixAsync(new MessageMissingFromJsonContextAnalyzer(), new MessageMissingFromJsonContextCodeFixProvider(), Usings + """
            [CatgaCommand] public partial record {|CATGA107:PlaceOrder|}(string Customer) : ICommand;

            [CatgaJsonContext]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute, Usings + """
            [CatgaCommand] public partial record PlaceOrder(string Customer) : ICommand;

            [CatgaJsonContext]
            [JsonSerializable(typeof(PlaceOrder))]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute);

    [Fact]
    public Task Fix_all_adds_every_missing_message_to_the_context()
        => AnalyzerVerifier.VerifyFixAllAsync(new MessageMissingFromJsonContextAnalyzer(), new MessageMissingFromJsonContextCodeFixProvider(), MessageMissingFromJsonContextCodeFixProvider.EquivalenceKey, Usings + """
            namespace Shop
            {
                [CatgaCommand] public partial record {|CATGA107:PlaceOrder|}(string Customer) : ICommand;
                [CatgaEvent] public partial record {|CATGA107:OrderPlaced|}(string Customer) : IEvent;
            }

            [CatgaJsonContext]
            [JsonSerializable(typeof(string))]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute, Usings + """
            namespace Shop
            {
                [CatgaCommand] public partial record PlaceOrder(string Customer) : ICommand;
                [CatgaEvent] public partial record OrderPlaced(string Customer) : IEvent;
            }

            [CatgaJsonContext]
            [JsonSerializable(typeof(string))]
            [JsonSerializable(typeof(Shop.PlaceOrder))]
            [JsonSerializable(typeof(Shop.OrderPlaced))]
            public partial class AppJsonContext : JsonSerializerContext
            """ + ContextBody + ContextAttribute);
}
