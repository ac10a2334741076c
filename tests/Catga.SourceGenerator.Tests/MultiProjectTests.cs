using Catga.SourceGenerator.Tests.Harness;

namespace Catga.SourceGenerator.Tests;

/// <summary>
/// A Contracts / Handlers / Host solution as users build it: each project compiled on its own with the generator,
/// then run together in process.
/// </summary>
public sealed class MultiProjectTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;
        using Microsoft.Extensions.DependencyInjection;
        """;

    private const string Contracts = Usings + """

        namespace Shop.Contracts;

        [CatgaCommand]
        public partial record PlaceOrder(
            [property: System.ComponentModel.DataAnnotations.Required] string CustomerId,
            [property: System.ComponentModel.DataAnnotations.Range(1, 100)] int Quantity) : ICommand<string>;

        [CatgaEvent]
        public partial record OrderShipped([property: System.ComponentModel.DataAnnotations.Required] string OrderId);

        /// <summary>Records what ran, so the host can report it.</summary>
        public static class Trace
        {
            public static readonly List<string> Steps = new();
        }
        """;

    private const string Handlers = Usings + """

        using Shop.Contracts;
        namespace Shop.Handlers;

        public sealed class PlaceOrderHandler : ICommandHandler<PlaceOrder, string>
        {
            public ValueTask<CatgaResult<string>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("handler");
                return new("order-1");
            }
        }

        public sealed class OrderShippedHandler : IEventHandler<OrderShipped>
        {
            public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("event handler");
                return default;
            }
        }
        """;

    private static string Host(string body) => Usings + """

        using Shop.Contracts;
        namespace Shop.Host;

        public static class Program
        {
            public static async Task<string> Run()
            {
                var services = new ServiceCollection();
                services.AddCatga().AddGeneratedHandlers();
                await using var provider = services.BuildServiceProvider();
                var mediator = provider.GetRequiredService<ICatgaMediator>();
        """ + body + """

            }
        }
        """;

    [Fact]
    public async Task Validation_rules_of_a_contracts_project_run_before_a_handler_in_another_project()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host("""
                var invalid = await mediator.SendAsync(new PlaceOrder("", 0));
                var valid = await mediator.SendAsync(new PlaceOrder("c-1", 2));
                return $"{invalid.Error?.Code} {invalid.Error?.FieldErrors.Count} | {valid.Value} | {string.Join(",", Trace.Steps)}";
                """));

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        Assert.Equal("Catga.Validation 2 | order-1 | handler", outcome);
    }

    [Fact]
    public async Task Validation_rules_of_an_event_run_before_its_handlers_in_another_project()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host("""
                var invalid = await mediator.PublishAsync(new OrderShipped(""));
                var valid = await mediator.PublishAsync(new OrderShipped("o-1"));
                return $"{invalid.Error?.Code} | {valid.IsSuccess} | {string.Join(",", Trace.Steps)}";
                """));

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        Assert.Equal("Catga.Validation | True | event handler", outcome);
    }
}
