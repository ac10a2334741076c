using System.Collections.Concurrent;

namespace Catga.Transport.InMemory;

/// <summary>
/// The in-process "server" that <see cref="InMemoryTransport"/> instances share: several transports created from one
/// broker behave like several processes connected to one broker. Each destination keeps one queue per consumer group;
/// a queue lives as long as the broker, so messages sent while a group's consumers are stopped wait for them.
/// </summary>
public sealed class InMemoryBroker
{
    private readonly ConcurrentDictionary<string, Destination> _destinations = new(StringComparer.Ordinal);

    /// <summary>Creates a broker.</summary>
    /// <param name="timeProvider">The clock for delayed redelivery; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryBroker(TimeProvider? timeProvider = null) => TimeProvider = timeProvider ?? TimeProvider.System;

    internal TimeProvider TimeProvider { get; }

    /// <summary>The test harness's observer of every delivery, or <see langword="null"/>.</summary>
    internal Diagnostics.IMessageFlowObserver? Observer { get; set; }

    /// <summary>The number of messages waiting in <paramref name="group"/>'s queue of <paramref name="destination"/>
    /// (not counting messages being handled or waiting for a delayed redelivery).</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="group">The consumer group.</param>
    /// <returns>The backlog (consumer lag).</returns>
    public int GetBacklog(string destination, string group)
        => _destinations.TryGetValue(destination, out var d) && d.Groups.TryGetValue(group, out var q) ? q.Count : 0;

    internal Destination Get(string name) => _destinations.GetOrAdd(name, static n => new Destination(n));

    internal sealed class Destination(string name)
    {
        public string Name { get; } = name;

        public ConcurrentDictionary<string, GroupQueue> Groups { get; } = new(StringComparer.Ordinal);

        public GroupQueue GetGroup(string group) => Groups.GetOrAdd(group, static g => new GroupQueue(g));
    }

    internal sealed class GroupQueue(string name)
    {
        private readonly System.Threading.Channels.Channel<Delivery> _channel =
            System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new() { SingleReader = false, SingleWriter = false });

        private int _consumers;
        private long _unsettled;

        public string Name { get; } = name;

        public int Count => _channel.Reader.Count;

        public int Consumers => Volatile.Read(ref _consumers);

        /// <summary>Deliveries handed to a consumer and not settled, plus retries waiting for their delay.</summary>
        public long Unsettled => Interlocked.Read(ref _unsettled);

        public void AddUnsettled(long delta) => Interlocked.Add(ref _unsettled, delta);

        public System.Threading.Channels.ChannelReader<Delivery> Reader => _channel.Reader;

        public void Enqueue(Delivery delivery) => _channel.Writer.TryWrite(delivery);

        public void AddConsumer() => Interlocked.Increment(ref _consumers);

        public void RemoveConsumer() => Interlocked.Decrement(ref _consumers);
    }

    internal sealed class Delivery(TransportMessage message, int deliveryCount, TaskCompletionSource<TransportMessage>? reply)
    {
        public TransportMessage Message { get; } = message;

        public int DeliveryCount { get; } = deliveryCount;

        public TaskCompletionSource<TransportMessage>? Reply { get; } = reply;
    }
}
