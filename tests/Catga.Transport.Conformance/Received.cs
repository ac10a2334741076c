using System.Collections.Concurrent;

namespace Catga.Transport.Conformance;

/// <summary>What one consumer saw: every delivery in arrival order.</summary>
public sealed class Received
{
    private readonly ConcurrentQueue<Delivery> _items = new();

    public IReadOnlyList<Delivery> Items => [.. _items];

    public int Count => _items.Count;

    public void Add(IncomingMessage message)
        => _items.Enqueue(new Delivery(message.Message.MessageId ?? "", message.DeliveryCount, message.Message, DateTime.UtcNow));

    public sealed record Delivery(string Id, int DeliveryCount, TransportMessage Message, DateTime At);
}
