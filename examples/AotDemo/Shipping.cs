using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Catga;

namespace AotDemo;

/// <summary>Handled by the "shipping" role; the "orders" role sends it and gets the booking back (request/reply).</summary>
[CatgaCommand, Distributed, Idempotent]
public partial record ShipOrder(string OrderId, [property: Required] string Address) : ICommand<ShipmentBooked>;

public sealed record ShipmentBooked(string OrderId, string TrackingNumber, string Warehouse);

/// <summary>Published by the shipping handler through the outbox; consumed by the "orders" role.</summary>
[CatgaEvent, Distributed]
public partial record OrderShippedEvent(string OrderId, string TrackingNumber);

/// <summary>What one role saw, for the demo's output.</summary>
public sealed class ShipmentLog
{
    public ConcurrentQueue<string> Booked { get; } = new();

    public ConcurrentQueue<OrderShippedEvent> Shipped { get; } = new();

    public string Role { get; set; } = "";
}

public sealed class ShipOrderHandler(ShipmentLog log, ICatgaMediator mediator) : ICommandHandler<ShipOrder, ShipmentBooked>
{
    public async ValueTask<CatgaResult<ShipmentBooked>> HandleAsync(ShipOrder command, CancellationToken cancellationToken)
    {
        // Deterministic, so the demo prints the same thing every run.
        string tracking = "TRK-" + command.OrderId.ToUpperInvariant().Replace("ORDER-", "", StringComparison.Ordinal).PadLeft(5, '0');
        log.Booked.Enqueue(command.OrderId);

        // Inside a handler of a transport message, this goes into the outbox atomically with the inbox record.
        var published = await mediator.PublishAsync(new OrderShippedEvent(command.OrderId, tracking), cancellationToken);
        return published.IsSuccess
            ? new ShipmentBooked(command.OrderId, tracking, log.Role)
            : CatgaResult<ShipmentBooked>.Failure(published.Error);
    }
}

public sealed class OrderShippedHandler(ShipmentLog log) : IEventHandler<OrderShippedEvent>
{
    public ValueTask HandleAsync(OrderShippedEvent @event, CancellationToken cancellationToken)
    {
        log.Shipped.Enqueue(@event);
        return ValueTask.CompletedTask;
    }
}
