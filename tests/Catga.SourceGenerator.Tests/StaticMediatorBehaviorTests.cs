using Catga.SourceGenerator.Tests.Harness;

namespace Catga.SourceGenerator.Tests;

/// <summary>
/// [CatgaMediator] run as users run it: a Contracts / Handlers / Host solution, each project compiled on its own, the
/// mediator declared next to the handlers and injected in the host. Every case is sent through the typed overload and
/// through <c>ICatgaMediator</c>, and both must give the same result and run the same steps.
/// </summary>
public sealed class StaticMediatorBehaviorTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;
        using Microsoft.Extensions.DependencyInjection;
        """;

    private const string Contracts = Usings + """

        namespace Shop.Contracts;

        public interface IAudited { }

        // Validation rules generated here, in the contracts project.
        [CatgaCommand]
        public partial record PlaceOrder(
            [property: System.ComponentModel.DataAnnotations.Required] string CustomerId,
            [property: System.ComponentModel.DataAnnotations.Range(1, 100)] int Quantity) : ICommand<string>;

        // No validators and no behaviors: the mediator calls the handler's step directly.
        [CatgaQuery] public partial record GetStock(string Sku) : IQuery<int>;
        [CatgaQuery] public partial record Explode(bool Async) : IQuery<int>;

        // A behavior applies; a command without a value.
        [CatgaCommand] public partial record Ship(string OrderId) : ICommand, IAudited;

        public static class Trace
        {
            public static readonly List<string> Steps = new();
        }
        """;

    private const string Handlers = Usings + """

        using Shop.Contracts;
        namespace Shop.Handlers;

        [CatgaMediator]
        public partial class ShopMediator;

        public sealed class PlaceOrderHandler : ICommandHandler<PlaceOrder, string>
        {
            public ValueTask<CatgaResult<string>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("place");
                return new("order-" + command.Quantity);
            }
        }

        public sealed class GetStockHandler : IQueryHandler<GetStock, int>
        {
            public ValueTask<CatgaResult<int>> HandleAsync(GetStock query, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("stock");
                return new(query.Sku.Length);
            }
        }

        public sealed class ExplodeHandler : IQueryHandler<Explode, int>
        {
            public async ValueTask<CatgaResult<int>> HandleAsync(Explode query, CancellationToken cancellationToken)
            {
                if (query.Async)
                {
                    await Task.Yield();
                }

                throw new InvalidOperationException(query.Async ? "async boom" : "sync boom");
            }
        }

        public sealed class ShipHandler : ICommandHandler<Ship>
        {
            public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("ship");
                return new(command.OrderId.Length == 0 ? CatgaResult.Failure("Ship.NoOrder", "no order") : CatgaResult.Success());
            }
        }

        [PipelineBehavior(1)]
        public sealed class AuditBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
            where TRequest : IRequest<TResponse>, IAudited
        {
            public async ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
            {
                Trace.Steps.Add("audit:before");
                var result = await next.InvokeAsync(request, cancellationToken);
                Trace.Steps.Add("audit:after:" + (result.IsSuccess ? "ok" : result.Error!.Code));
                return result;
            }
        }
        """;

    private const string Host = Usings + """

        using Shop.Contracts;
        using Shop.Handlers;
        namespace Shop.Host;

        public static class Program
        {
            private static string Show<T>(CatgaResult<T> r)
                => r.IsSuccess ? "ok:" + r.Value : "fail:" + r.Error!.Code + (r.Error.Exception is null ? "" : ":" + r.Error.Exception.Message) + (r.Error.FieldErrors.Count > 0 ? ":" + r.Error.FieldErrors.Count : "");

            private static string Show(CatgaResult r) => r.IsSuccess ? "ok" : "fail:" + r.Error!.Code;

            private static string Steps()
            {
                string steps = string.Join(",", Trace.Steps);
                Trace.Steps.Clear();
                return steps;
            }

            public static async Task<string> Run()
            {
                var services = new ServiceCollection();
                services.AddCatga().AddGeneratedHandlers();
                await using var provider = services.BuildServiceProvider();
                ICatgaMediator mediator = provider.GetRequiredService<ICatgaMediator>();
                ShopMediator shop = provider.GetRequiredService<ShopMediator>();
                using var cancelled = new CancellationTokenSource();
                cancelled.Cancel();

                var lines = new List<string>
                {
                    "stock " + Show(await shop.SendAsync(new GetStock("abc"))) + " " + Steps() + " | " + Show(await mediator.SendAsync(new GetStock("abc"))) + " " + Steps(),
                    "sync " + Show(await shop.SendAsync(new Explode(false))) + " | " + Show(await mediator.SendAsync(new Explode(false))),
                    "async " + Show(await shop.SendAsync(new Explode(true))) + " | " + Show(await mediator.SendAsync(new Explode(true))),
                    "cancelled " + Show(await shop.SendAsync(new GetStock("abc"), cancelled.Token)) + " " + Steps() + " | " + Show(await mediator.SendAsync(new GetStock("abc"), cancelled.Token)) + " " + Steps(),
                    "invalid " + Show(await shop.SendAsync(new PlaceOrder("", 0))) + " " + Steps() + " | " + Show(await mediator.SendAsync(new PlaceOrder("", 0))) + " " + Steps(),
                    "valid " + Show(await shop.SendAsync(new PlaceOrder("c-1", 2))) + " " + Steps() + " | " + Show(await mediator.SendAsync(new PlaceOrder("c-1", 2))) + " " + Steps(),
                    "ship " + Show(await shop.SendAsync(new Ship("o-1"))) + " " + Steps() + " | " + Show(await mediator.SendAsync(new Ship("o-1"))) + " " + Steps(),
                    "no order " + Show(await shop.SendAsync(new Ship(""))) + " " + Steps() + " | " + Show(await mediator.SendAsync(new Ship(""))) + " " + Steps(),
                    "is mediator " + (shop is ICatgaMediator),
                };
                return string.Join("\n", lines);
            }
        }
        """;

    [Fact]
    public async Task The_typed_overloads_give_the_same_results_and_steps_as_ICatgaMediator_across_projects()
    {
        var solution = new MultiProject()
            .Add("Shop.Contracts", [], Contracts)
            .Add("Shop.Handlers", ["Shop.Contracts"], Handlers)
            .Add("Shop.Host", ["Shop.Contracts", "Shop.Handlers"], Host);

        string outcome = await solution.RunAsync("Shop.Host", "Shop.Host.Program", "Run");

        Assert.Equal(
            string.Join("\n",
                "stock ok:3 stock | ok:3 stock",
                "sync fail:Catga.HandlerException:sync boom | fail:Catga.HandlerException:sync boom",
                "async fail:Catga.HandlerException:async boom | fail:Catga.HandlerException:async boom",
                "cancelled fail:Catga.Cancelled:The operation was canceled.  | fail:Catga.Cancelled:The operation was canceled. ",
                // The contracts project's validation rules run on the static path too.
                "invalid fail:Catga.Validation:2  | fail:Catga.Validation:2 ",
                "valid ok:order-2 place | ok:order-2 place",
                "ship ok audit:before,ship,audit:after:ok | ok audit:before,ship,audit:after:ok",
                "no order fail:Ship.NoOrder audit:before,ship,audit:after:Ship.NoOrder | fail:Ship.NoOrder audit:before,ship,audit:after:Ship.NoOrder",
                "is mediator True"),
            outcome);
    }
}
