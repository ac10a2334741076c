using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Catga.Serialization;

namespace Catga.AspNetCore.Tests;

[CatgaCommand]
public partial record PlaceOrder(
    [property: Required, StringLength(32, MinimumLength = 2)] string CustomerId,
    [property: Range(1, 100)] int Quantity) : ICommand<OrderPlaced>;

public sealed record OrderPlaced(string OrderId, int Quantity);

[CatgaCommand]
public partial record CancelOrder(string OrderId) : ICommand;

[CatgaCommand]
public partial record ReserveStock(string Sku) : ICommand;

[CatgaCommand]
public partial record ChargeCard(string OrderId) : ICommand<string>;

[CatgaQuery]
public partial record GetOrder(string OrderId) : IQuery<OrderView>;

public sealed record OrderView(string OrderId, string CustomerId, int Quantity, string Status);

public sealed class Orders
{
    private int _next;

    public ConcurrentDictionary<string, OrderView> All { get; } = new(StringComparer.Ordinal);

    public string NextId() => "order-" + Interlocked.Increment(ref _next);
}

public sealed class PlaceOrderHandler(Orders orders) : ICommandHandler<PlaceOrder, OrderPlaced>
{
    public ValueTask<CatgaResult<OrderPlaced>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
    {
        var view = new OrderView(orders.NextId(), command.CustomerId, command.Quantity, "placed");
        orders.All[view.OrderId] = view;
        return new(new OrderPlaced(view.OrderId, view.Quantity));
    }
}

public sealed class CancelOrderHandler(Orders orders) : ICommandHandler<CancelOrder>
{
    public ValueTask<CatgaResult> HandleAsync(CancelOrder command, CancellationToken cancellationToken)
    {
        if (!orders.All.TryGetValue(command.OrderId, out var view))
        {
            return new(CatgaResult.Failure("Orders.NotFound", $"Order {command.OrderId} does not exist."));
        }

        orders.All[view.OrderId] = view with { Status = "cancelled" };
        return new(CatgaResult.Success());
    }
}

public sealed class ReserveStockHandler : ICommandHandler<ReserveStock>
{
    public ValueTask<CatgaResult> HandleAsync(ReserveStock command, CancellationToken cancellationToken)
        => new(CatgaResult.Failure(command.Sku == "gone" ? "Stock.Unknown" : "Stock.Exhausted", $"No stock of {command.Sku}."));
}

public sealed class ChargeCardHandler : ICommandHandler<ChargeCard, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(ChargeCard command, CancellationToken cancellationToken)
        => throw new InvalidOperationException("secret gateway password rejected");
}

public sealed class GetOrderHandler(Orders orders) : IQueryHandler<GetOrder, OrderView>
{
    public ValueTask<CatgaResult<OrderView>> HandleAsync(GetOrder query, CancellationToken cancellationToken)
        => new(orders.All.TryGetValue(query.OrderId, out var view)
            ? view
            : CatgaResult<OrderView>.Failure("Orders.NotFound", $"Order {query.OrderId} does not exist."));
}

[CatgaJsonContext]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlaceOrder))]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(CancelOrder))]
[JsonSerializable(typeof(ReserveStock))]
[JsonSerializable(typeof(ChargeCard))]
[JsonSerializable(typeof(GetOrder))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(ProcessPayment))]
[JsonSerializable(typeof(RefundRequested))]
[JsonSerializable(typeof(RefundStarted))]
[JsonSerializable(typeof(CheckoutStarted))]
[JsonSerializable(typeof(CheckoutPaid))]
[JsonSerializable(typeof(CheckoutAbandoned))]
internal sealed partial class ShopJsonContext : JsonSerializerContext
{
}
