using Catga;

namespace AotDemo;

/// <summary>Commands marked <see cref="IAudited"/> pass through <see cref="AuditBehavior{TRequest, TResponse}"/>.</summary>
public interface IAudited
{
}

[CatgaCommand]
public partial record PlaceOrder(string CustomerId, decimal Amount) : ICommand<OrderPlaced>, IAudited;

public sealed record OrderPlaced(string OrderId, decimal Total);

[CatgaCommand]
public partial record CancelOrder(string OrderId) : IAudited;

[CatgaCommand]
public partial record ChargeCard(string OrderId, decimal Amount) : ICommand<string>;

[CatgaQuery]
public partial record GetOrder(string OrderId) : IQuery<OrderView>;

public sealed record OrderView(string OrderId, string CustomerId, decimal Total, string Status);

[CatgaEvent]
public partial record OrderPlacedEvent(string OrderId, string CustomerId, decimal Total);

[CatgaStreamRequest]
public partial record ListOrders(string CustomerId) : IStreamRequest<OrderView>;
