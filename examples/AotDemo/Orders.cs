using System.ComponentModel.DataAnnotations;
using Catga;
using Catga.Serialization;

namespace AotDemo;

/// <summary>Commands marked <see cref="IAudited"/> pass through <see cref="AuditBehavior{TRequest, TResponse}"/>.</summary>
public interface IAudited
{
}

/// <summary>Validated by generated code before its handler runs; serialized by a generated binary formatter.</summary>
[CatgaCommand]
public partial record PlaceOrder(
    [property: Required, StringLength(32, MinimumLength = 2)] string CustomerId,
    [property: Range(0.01, 1_000_000.0)] decimal Amount) : ICommand<OrderPlaced>, IAudited;

public sealed record OrderPlaced(string OrderId, decimal Total);

[CatgaCommand]
public partial record CancelOrder(string OrderId) : IAudited;

[CatgaCommand]
public partial record ChargeCard(string OrderId, decimal Amount) : ICommand<string>;

[CatgaQuery]
public partial record GetOrder(string OrderId) : IQuery<OrderView>;

public sealed record OrderView(string OrderId, string CustomerId, decimal Total, string Status);

/// <summary>Sent across processes under a stable wire name that survives renaming the type.</summary>
[CatgaEvent, CatgaMessageName("orders.placed.v1")]
public partial record OrderPlacedEvent(string OrderId, string CustomerId, decimal Total);

[CatgaStreamRequest]
public partial record ListOrders(string CustomerId) : IStreamRequest<OrderView>;
