using System.Runtime.CompilerServices;
using Catga.Diagnostics;
using Catga.Outbox;
using Catga.Scheduling;
using Catga.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Testing;

/// <summary>
/// Counts the in-flight work of every host of one harness: deliveries in group queues or in handlers (including those
/// waiting for a delayed redelivery), outbox entries not yet relayed, and schedules that are due or being fired. The
/// in-memory broker and stores report each step before anything that depends on it can run, so the count reaches zero
/// only when every effect of an action has settled. Every change completes the current <see cref="_changed"/> signal,
/// so a waiter never misses one.
/// </summary>
internal sealed class MessageFlowTracker : IMessageFlowObserver
{
    private readonly object _gate = new();
    private readonly FakeTimeProvider _time;
    private readonly Func<TransportMessage, string?, object?> _decode;
    private readonly Dictionary<DeliveryKey, Delivery> _deliveries = new();
    private readonly Dictionary<string, OutboxMessage> _outbox = new(StringComparer.Ordinal);
    private readonly List<InMemoryScheduleStore> _scheduleStores = [];
    private readonly List<MessageObservation> _observations = [];
    private TaskCompletionSource _changed = NewSignal();

    public MessageFlowTracker(FakeTimeProvider time, Func<TransportMessage, string?, object?> decode)
    {
        _time = time;
        _decode = decode;
    }

    public void AddScheduleStore(InMemoryScheduleStore store)
    {
        lock (_gate)
        {
            _scheduleStores.Add(store);
        }

        store.Observer = this;
    }

    /// <summary>The observations from <paramref name="start"/> on (an index returned by <see cref="ObservationCount"/>).</summary>
    public IReadOnlyList<MessageObservation> ObservationsFrom(int start)
    {
        lock (_gate)
        {
            return _observations.GetRange(start, _observations.Count - start);
        }
    }

    public int ObservationCount
    {
        get
        {
            lock (_gate)
            {
                return _observations.Count;
            }
        }
    }

    public void Enqueued(string destination, string group, TransportMessage message, bool isRequest)
    {
        lock (_gate)
        {
            var key = new DeliveryKey(group, message);
            if (_deliveries.TryGetValue(key, out var existing))
            {
                existing.Copies++;
            }
            else
            {
                _deliveries[key] = new Delivery(destination, group, message);
            }

            var kind = isRequest ? ObservationKind.Requested : IsEvent(message, group) ? ObservationKind.Published : ObservationKind.Sent;
            Observe(kind, message, destination, service: null, deliveryCount: 0);
            SignalLocked();
        }
    }

    public void Settled(string destination, string group, TransportMessage message, int deliveryCount, DeliveryOutcome outcome, bool isRequest)
    {
        lock (_gate)
        {
            var key = new DeliveryKey(group, message);
            bool comesBack = outcome.Kind == DeliveryOutcomeKind.Defer || (outcome.Kind == DeliveryOutcomeKind.Retry && !isRequest);
            if (_deliveries.TryGetValue(key, out var delivery))
            {
                if (comesBack)
                {
                    // Due "now" until the source says when its timer fires, so the copy counts as active meanwhile.
                    delivery.WaitingUntil.Add(DateTimeOffset.MinValue);
                }
                else if (--delivery.Copies == 0)
                {
                    _deliveries.Remove(key);
                }
            }

            var kind = outcome.Kind switch
            {
                DeliveryOutcomeKind.Ack => ObservationKind.Handled,
                DeliveryOutcomeKind.Reject => ObservationKind.DeadLettered,
                DeliveryOutcomeKind.Defer => ObservationKind.Deferred,
                _ => isRequest ? ObservationKind.Failed : ObservationKind.Retried,
            };
            Observe(kind, message, destination, group, deliveryCount);
            SignalLocked();
        }
    }

    public void RedeliveryTimerStarted(string destination, string group, TransportMessage message, DateTimeOffset dueAt)
    {
        lock (_gate)
        {
            if (_deliveries.TryGetValue(new DeliveryKey(group, message), out var delivery))
            {
                int pending = delivery.WaitingUntil.IndexOf(DateTimeOffset.MinValue);
                if (pending >= 0)
                {
                    delivery.WaitingUntil[pending] = dueAt;
                }
            }

            SignalLocked();
        }
    }

    public void Redelivered(string destination, string group, TransportMessage message)
    {
        lock (_gate)
        {
            if (_deliveries.TryGetValue(new DeliveryKey(group, message), out var delivery) && delivery.WaitingUntil.Count > 0)
            {
                // Redeliveries of one message come back in due order; the earliest is the one back now.
                delivery.WaitingUntil.Sort();
                delivery.WaitingUntil.RemoveAt(0);
            }

            SignalLocked();
        }
    }

    public void OutboxAppended(IReadOnlyList<OutboxMessage> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                _outbox[entry.Id] = entry;
            }

            SignalLocked();
        }
    }

    public void OutboxDispatched(IReadOnlyList<string> ids)
    {
        lock (_gate)
        {
            foreach (string id in ids)
            {
                _outbox.Remove(id);
            }

            SignalLocked();
        }
    }

    public void SchedulesChanged()
    {
        lock (_gate)
        {
            SignalLocked();
        }
    }

    /// <summary>Waits until no work is in flight. When only delayed redeliveries remain and
    /// <paramref name="advanceForRedeliveries"/> is set, moves the fake clock to the earliest of them; schedules that
    /// are not due yet do not count (the test moves time for those).</summary>
    public async Task WaitUntilIdleAsync(TimeSpan timeout, bool advanceForRedeliveries, int observationStart)
    {
        long deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            Task changed;
            int active;
            DateTimeOffset? earliestRedelivery;
            InMemoryScheduleStore[] stores;
            DateTimeOffset now = _time.GetUtcNow();
            lock (_gate)
            {
                changed = _changed.Task;
                (active, earliestRedelivery) = CountLocked(now);
                stores = [.. _scheduleStores];
            }

            // Schedule stores are read outside the tracker's lock: they call into it under their own.
            int dueSchedules = 0;
            foreach (var store in stores)
            {
                dueSchedules += store.Snapshot(now).DueOrFiring;
            }

            if (active == 0 && dueSchedules == 0)
            {
                if (earliestRedelivery is null)
                {
                    return;
                }

                if (advanceForRedeliveries)
                {
                    _time.Advance(earliestRedelivery.Value - now);
                    continue;
                }
            }

            TimeSpan remaining = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                throw Timeout(timeout, observationStart);
            }

            // Wake on the next change, or at the deadline to report what is stuck.
            await Task.WhenAny(changed, Task.Delay(remaining, TimeProvider.System)).ConfigureAwait(false);
        }
    }

    private (int Active, DateTimeOffset? EarliestRedelivery) CountLocked(DateTimeOffset now)
    {
        int active = _outbox.Count;
        DateTimeOffset? earliest = null;
        foreach (var delivery in _deliveries.Values)
        {
            // A copy waiting for a redelivery that is not due yet is idle until the clock reaches it.
            int waiting = 0;
            foreach (var due in delivery.WaitingUntil)
            {
                if (due > now)
                {
                    waiting++;
                    earliest = earliest is null || due < earliest ? due : earliest;
                }
            }

            active += delivery.Copies - waiting;
        }

        return (active, earliest);
    }

    private TrackedSessionTimeoutException Timeout(TimeSpan timeout, int observationStart)
    {
        var pending = new List<string>();
        DateTimeOffset now = _time.GetUtcNow();
        InMemoryScheduleStore[] stores;
        lock (_gate)
        {
            foreach (var delivery in _deliveries.Values)
            {
                string state = delivery.WaitingUntil.Count == 0
                    ? "queued or in a handler"
                    : $"redelivery due at {delivery.WaitingUntil.Min():HH:mm:ss.fff} (the clock is at {now:HH:mm:ss.fff}; set AdvanceTimeForRetries or advance the clock)";
                pending.Add($"{Describe(delivery.Message)} for service '{delivery.Group}' on '{delivery.Destination}': {state}");
            }

            foreach (var entry in _outbox.Values)
            {
                pending.Add($"{Describe(entry.Message)} in an outbox, not relayed to '{entry.Destination}' yet");
            }

            stores = [.. _scheduleStores];
        }

        foreach (var store in stores)
        {
            int due = store.Snapshot(now).DueOrFiring;
            if (due > 0)
            {
                pending.Add($"{due} scheduled message(s) due and not fired yet");
            }
        }

        var happened = ObservationsFrom(observationStart);
        string message = $"The tracked session did not settle within {timeout.TotalSeconds:0.#} s. Still pending:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", pending)
            + Environment.NewLine + TrackedSession.Describe(happened);
        return new TrackedSessionTimeoutException(message, pending);
    }

    private void Observe(ObservationKind kind, TransportMessage message, string destination, string? service, int deliveryCount)
    {
        _observations.Add(new MessageObservation(
            kind,
            message.MessageType ?? "(no type header)",
            message.Headers[MessageHeaderNames.MessageId] ?? "(no id)",
            destination,
            service,
            deliveryCount,
            _time.GetUtcNow(),
            () => _decode(message, service)));
    }

    private bool IsEvent(TransportMessage message, string group) => _isEvent?.Invoke(message, group) ?? false;

    private Func<TransportMessage, string, bool>? _isEvent;

    public void UseEventClassifier(Func<TransportMessage, string, bool> isEvent) => _isEvent = isEvent;

    private static string Describe(TransportMessage message)
        => $"{message.MessageType ?? "(no type header)"} {message.Headers[MessageHeaderNames.MessageId] ?? "(no id)"}";

    private void SignalLocked()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One group's deliveries of one message (by reference: redeliveries reuse the message object).</summary>
    private readonly record struct DeliveryKey(string Group, TransportMessage Message)
    {
        public bool Equals(DeliveryKey other) => Group == other.Group && ReferenceEquals(Message, other.Message);

        public override int GetHashCode() => HashCode.Combine(Group, RuntimeHelpers.GetHashCode(Message));
    }

    private sealed class Delivery(string destination, string group, TransportMessage message)
    {
        public string Destination { get; } = destination;

        public string Group { get; } = group;

        public TransportMessage Message { get; } = message;

        /// <summary>Copies of this delivery in flight (an outbox replay may send one message twice).</summary>
        public int Copies { get; set; } = 1;

        /// <summary>For each copy waiting to be redelivered: when it comes back.</summary>
        public List<DateTimeOffset> WaitingUntil { get; } = [];
    }
}
