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

    [Fact]
    public void A_message_attribute_on_a_record_derived_from_another_message_is_rejected_with_CATGA007_and_nothing_else()
    {
        var solution = new MultiProject().Add("Shop.Contracts", [], Contracts);
        var output = solution.Build("Shop.Express", ["Shop.Contracts"], [Usings + """

            using Shop.Contracts;
            namespace Shop.Express;

            [CatgaCommand]
            public partial record PlaceExpressOrder(string CustomerId, int Quantity, bool ByAir) : PlaceOrder(CustomerId, Quantity);
            """], out var diagnostics);

        var rejected = Assert.Single(diagnostics);
        Assert.Equal("CATGA007", rejected.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, rejected.Severity);
        Assert.Contains("PlaceOrder", rejected.GetMessage());
        // The generator emits nothing for it, so the compiler adds no errors of its own (CS0540, CS0108 before).
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public async Task A_derived_record_without_its_own_handler_is_never_sent_to_the_base_type_handler()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host("""
                var derived = await mediator.SendAsync(new PlaceExpressOrder("c-1", 2, ByAir: true));
                return $"{derived.Error?.Code} | {derived.Error?.Message} | {string.Join(",", Trace.Steps)}";
                """) + """

                public sealed record PlaceExpressOrder(string CustomerId, int Quantity, bool ByAir) : PlaceOrder(CustomerId, Quantity);
                """);

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        Assert.StartsWith("Catga.NotGenerated | ", outcome);
        Assert.Contains("derives from the message Shop.Contracts.PlaceOrder", outcome);
        Assert.EndsWith(" | ", outcome);
    }

    [Fact]
    public async Task A_derived_record_with_its_own_handler_reaches_that_handler_after_its_base_type_validation_rules()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts + """

                public sealed record PlaceExpressOrder(string CustomerId, int Quantity, bool ByAir) : PlaceOrder(CustomerId, Quantity);
                """)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers + """

                public sealed class PlaceExpressOrderHandler : ICommandHandler<PlaceExpressOrder, string>
                {
                    public ValueTask<CatgaResult<string>> HandleAsync(PlaceExpressOrder command, CancellationToken cancellationToken)
                    {
                        Trace.Steps.Add("express handler");
                        return new(command.ByAir ? "by air" : "by road");
                    }
                }
                """)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host("""
                var invalid = await mediator.SendAsync(new PlaceExpressOrder("", 0, ByAir: true));
                var valid = await mediator.SendAsync(new PlaceExpressOrder("c-1", 2, ByAir: true));
                return $"{invalid.Error?.Code} {invalid.Error?.FieldErrors.Count} | {valid.Value} | {string.Join(",", Trace.Steps)}";
                """));

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        // PlaceOrder's [Required] and [Range] hold for the derived record's inherited members; the base handler never runs.
        Assert.Equal("Catga.Validation 2 | by air | express handler", outcome);
    }

    [Fact]
    public async Task Two_handler_projects_joined_by_InternalsVisibleTo_each_register_their_own_and_the_host_runs_both()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers, "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Shop.Host\")]")
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host("""
                var order = await mediator.SendAsync(new PlaceOrder("c-1", 2));
                var ping = await mediator.SendAsync(new Ping());
                return $"{order.Value} | {ping.Value}";
                """) + """

                [CatgaQuery]
                public partial record Ping : IQuery<string>;

                internal sealed class PingHandler : IQueryHandler<Ping, string>
                {
                    public ValueTask<CatgaResult<string>> HandleAsync(Ping query, CancellationToken cancellationToken) => new("pong");
                }
                """);

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        Assert.Equal("order-1 | pong", outcome);
    }

    [Fact]
    public async Task A_public_behavior_of_a_shared_library_wraps_the_handlers_of_the_projects_that_reference_it()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Common", ["Shop.Contracts"], Usings + """

                using Shop.Contracts;
                namespace Shop.Common;

                public sealed class Tagging<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
                    where TRequest : IRequest<TResponse>
                {
                    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
                    {
                        Trace.Steps.Add("shared behavior");
                        return next.InvokeAsync(request, cancellationToken);
                    }
                }

                internal sealed class LibraryOnly<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
                    where TRequest : IRequest<TResponse>
                {
                    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
                    {
                        Trace.Steps.Add("internal behavior");
                        return next.InvokeAsync(request, cancellationToken);
                    }
                }
                """)
            .Add("Shop.Handlers", ["Shop.Contracts", "Shop.Common"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Common", "Shop.Handlers"], Host("""
                var order = await mediator.SendAsync(new PlaceOrder("c-1", 2));
                return $"{order.Value} | {string.Join(",", Trace.Steps)}";
                """));

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        // The public behavior is shared; the internal one stays in its library, which has no handlers of its own.
        Assert.Equal("order-1 | shared behavior,handler", outcome);
    }

    [Fact]
    public async Task A_public_event_behavior_of_a_shared_library_wraps_each_event_handler_of_the_projects_that_reference_it()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Common", ["Shop.Contracts"], Usings + """

                using Shop.Contracts;
                namespace Shop.Common;

                public sealed class EventTagging<TEvent> : IEventBehavior<TEvent>
                    where TEvent : IEvent
                {
                    public async ValueTask HandleAsync(TEvent @event, EventNext<TEvent> next, CancellationToken cancellationToken)
                    {
                        Trace.Steps.Add("shared event behavior");
                        await next.InvokeAsync(@event, cancellationToken);
                    }
                }
                """)
            .Add("Shop.Handlers", ["Shop.Contracts", "Shop.Common"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Common", "Shop.Handlers"], Host("""
                var invalid = await mediator.PublishAsync(new OrderShipped(""));
                var valid = await mediator.PublishAsync(new OrderShipped("o-1"));
                return $"{invalid.Error?.Code} | {valid.IsSuccess} | {string.Join(",", Trace.Steps)}";
                """));

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        // Validation runs before any handler (and its behaviors); the valid event goes through the shared behavior.
        Assert.Equal("Catga.Validation | True | shared event behavior,event handler", outcome);
    }
}
