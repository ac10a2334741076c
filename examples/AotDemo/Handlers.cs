using System.Runtime.CompilerServices;
using Catga;
using Microsoft.Extensions.DependencyInjection;

namespace AotDemo;

public sealed class PlaceOrderHandler(OrderStore store, ICatgaMediator mediator) : ICommandHandler<PlaceOrder, OrderPlaced>
{
    public async ValueTask<CatgaResult<OrderPlaced>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
    {
        var order = new OrderView(store.NextId(), command.CustomerId, command.Amount, "placed");
        store.Save(order);
        var published = await mediator.PublishAsync(new OrderPlacedEvent(order.OrderId, order.CustomerId, order.Total) { CorrelationId = command.MessageId }, cancellationToken);
        if (published.IsFailure)
        {
            Console.WriteLine($"  (an event handler failed: {published.Error.Code}, the order stays placed)");
        }

        return new OrderPlaced(order.OrderId, order.Total);
    }
}

public sealed class CancelOrderHandler(OrderStore store) : ICommandHandler<CancelOrder>
{
    public ValueTask<CatgaResult> HandleAsync(CancelOrder command, CancellationToken cancellationToken)
    {
        if (store.Find(command.OrderId) is not { } order)
        {
            return new(CatgaResult.Failure("Orders.NotFound", $"Order {command.OrderId} does not exist."));
        }

        store.Save(order with { Status = "cancelled" });
        return new(CatgaResult.Success());
    }
}

/// <summary>Always throws, to show that an exception becomes a failed result that keeps it.</summary>
public sealed class ChargeCardHandler : ICommandHandler<ChargeCard, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(ChargeCard command, CancellationToken cancellationToken)
        => throw new InvalidOperationException("the payment gateway is unreachable");
}

/// <summary>A scoped handler: it gets a scope per call when the caller has none.</summary>
[CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
public sealed class GetOrderHandler(OrderStore store) : IQueryHandler<GetOrder, OrderView>
{
    public ValueTask<CatgaResult<OrderView>> HandleAsync(GetOrder query, CancellationToken cancellationToken)
        => new(store.Find(query.OrderId) is { } order
            ? order
            : CatgaResult<OrderView>.Failure("Orders.NotFound", $"Order {query.OrderId} does not exist."));
}

[CatgaHandler(Order = 1)]
public sealed class SendConfirmationEmail : IEventHandler<OrderPlacedEvent>
{
    public ValueTask HandleAsync(OrderPlacedEvent @event, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  [email] confirmation for {@event.OrderId} sent to {@event.CustomerId}");
        return ValueTask.CompletedTask;
    }
}

[CatgaHandler(Order = 2)]
public sealed class UpdateSalesReport : IEventHandler<OrderPlacedEvent>
{
    private decimal _total;

    public ValueTask HandleAsync(OrderPlacedEvent @event, CancellationToken cancellationToken)
    {
        _total += @event.Total;
        Console.WriteLine($"  [report] sales total is now {_total:0.00}");
        return ValueTask.CompletedTask;
    }
}

public sealed class ListOrdersHandler(OrderStore store) : IStreamHandler<ListOrders, OrderView>
{
    public async IAsyncEnumerable<OrderView> HandleAsync(ListOrders request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var order in store.ForCustomer(request.CustomerId))
        {
            await Task.Yield();
            yield return order;
        }
    }
}
