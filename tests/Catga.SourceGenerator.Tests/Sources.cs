namespace Catga.SourceGenerator.Tests;

/// <summary>Test inputs for the generator.</summary>
internal static class Sources
{
    public const string Shop = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;
        using Microsoft.Extensions.DependencyInjection;

        namespace Shop;

        public interface IAudited { }

        [CatgaCommand]
        public partial record PlaceOrder(
            [property: System.ComponentModel.DataAnnotations.Required] string CustomerId,
            [property: System.ComponentModel.DataAnnotations.Range(0.01, 1000.0)] decimal Amount) : ICommand<OrderPlaced>, IAudited;

        public sealed record OrderPlaced(string OrderId);

        [CatgaCommand]
        public partial record CancelOrder(string OrderId);

        [CatgaQuery]
        public partial record GetOrder(string OrderId) : IQuery<string>;

        [CatgaEvent]
        public partial record OrderCreated(string OrderId);

        [CatgaEvent, Catga.Scheduling.Recurring("0 0 * * * *", TimeZone = "UTC")]
        public partial record HourlyAudit;

        public sealed class HourlyAuditHandler : IEventHandler<HourlyAudit>
        {
            public ValueTask HandleAsync(HourlyAudit @event, CancellationToken cancellationToken) => default;
        }

        [CatgaStreamRequest]
        public partial record ListOrders(int Count) : IStreamRequest<string>;

        public sealed class Clock { public string Next() => "o-1"; }

        public sealed class PlaceOrderHandler(Clock clock, ILogSink? sink = null) : ICommandHandler<PlaceOrder, OrderPlaced>
        {
            public ValueTask<CatgaResult<OrderPlaced>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
                => new(new OrderPlaced(sink is null ? clock.Next() : "logged"));
        }

        public interface ILogSink { }

        public sealed class CancelOrderHandler : ICommandHandler<CancelOrder>
        {
            public ValueTask<CatgaResult> HandleAsync(CancelOrder command, CancellationToken cancellationToken) => new(CatgaResult.Success());
        }

        [CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
        public sealed class GetOrderHandler : IQueryHandler<GetOrder, string>
        {
            public ValueTask<CatgaResult<string>> HandleAsync(GetOrder query, CancellationToken cancellationToken) => new(query.OrderId);
        }

        [CatgaHandler(Order = 2)]
        public sealed class AuditTrail : IEventHandler<OrderCreated>
        {
            public ValueTask HandleAsync(OrderCreated @event, CancellationToken cancellationToken) => default;
        }

        [CatgaHandler(Order = 1)]
        public sealed class Mailer : IEventHandler<OrderCreated>
        {
            public ValueTask HandleAsync(OrderCreated @event, CancellationToken cancellationToken) => default;
        }

        public sealed class ListOrdersHandler : IStreamHandler<ListOrders, string>
        {
            public async IAsyncEnumerable<string> HandleAsync(ListOrders request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
            {
                await Task.Yield();
                yield return "o-1";
            }
        }

        [PipelineBehavior(1)]
        public sealed class Logging<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
            where TRequest : IRequest<TResponse>
        {
            public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
                => next.InvokeAsync(request, cancellationToken);
        }

        [PipelineBehavior(2, Lifetime = ServiceLifetime.Transient)]
        public sealed class Audit<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
            where TRequest : IRequest<TResponse>, IAudited
        {
            public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
                => next.InvokeAsync(request, cancellationToken);
        }

        [PipelineBehavior(3)]
        public sealed class PlaceOrderLimit : IPipelineBehavior<PlaceOrder, OrderPlaced>
        {
            public ValueTask<CatgaResult<OrderPlaced>> HandleAsync(PlaceOrder request, PipelineNext<PlaceOrder, OrderPlaced> next, CancellationToken cancellationToken)
                => next.InvokeAsync(request, cancellationToken);
        }
        """;

    public const string Unrelated = """
        namespace Shop;

        public static class Formatting
        {
            public static string Money(decimal amount) => amount.ToString("0.00");
        }
        """;

    /// <summary>Messages that exercise every shape of generated formatter and validator.</summary>
    public const string Wire = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.ComponentModel.DataAnnotations;
        using Catga;
        using Catga.Serialization;
        using Catga.Validation;

        namespace Wire;

        public enum Status : byte { Open, Closed }

        public readonly record struct Money(decimal Amount, string Currency);

        public sealed record Line(
            [property: Required] string Sku,
            [property: Range(1, 99)] int Quantity,
            Money Price);

        [CatgaEvent, CatgaMessageName("wire.shipped.v1")]
        public partial record Shipped(string OrderId, List<Line> Lines, string? Carrier = "post")
        {
            public required Status Status { get; init; }

            public Money? Insured { get; init; }

            public Dictionary<string, int[]>? Boxes { get; init; }

            public ImmutableArray<Guid> Parcels { get; init; }

            public int[][]? Grid { get; init; }

            [EmailAddress, MaxLength(64)]
            public string? Contact { get; init; }

            public int LineCount => Lines.Count;

            internal void Validate(ref ValidationErrors errors)
            {
                if (Lines.Count == 0 && Status == Status.Closed)
                {
                    errors.Add(nameof(Lines), "Empty", "A closed shipment has lines.");
                }
            }
        }
        """;
}
