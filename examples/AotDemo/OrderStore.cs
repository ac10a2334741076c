using System.Collections.Concurrent;

namespace AotDemo;

/// <summary>The demo's embedded in-memory storage.</summary>
public sealed class OrderStore
{
    private readonly ConcurrentDictionary<string, OrderView> _orders = new();
    private int _next;

    public string NextId() => $"order-{Interlocked.Increment(ref _next)}";

    public void Save(OrderView order) => _orders[order.OrderId] = order;

    public OrderView? Find(string orderId) => _orders.TryGetValue(orderId, out var order) ? order : null;

    public IEnumerable<OrderView> ForCustomer(string customerId)
        => _orders.Values.Where(o => o.CustomerId == customerId).OrderBy(o => o.OrderId, StringComparer.Ordinal);
}
