using Catga.Outbox;
using Catga.Transport;

namespace Catga.Diagnostics;

/// <summary>
/// Sees every step of a message's life in the in-memory parts (broker, delivery sources, outbox, schedule store), so
/// the test harness (Catga.Testing) can count in-flight work exactly instead of waiting for an inactivity timeout.
/// Calls are made while the step happens, before anything that depends on it can run: a delivery is reported
/// enqueued before a consumer can fetch it, outbox entries are reported before the message that wrote them is
/// settled. Implementations must be thread-safe and fast; nothing is observed when no observer is attached.
/// </summary>
internal interface IMessageFlowObserver
{
    /// <summary>A new delivery was put in a group's queue (a send, a publish, or a request).</summary>
    void Enqueued(string destination, string group, TransportMessage message, bool isRequest);

    /// <summary>A consumer settled a delivery. After <see cref="DeliveryOutcomeKind.Retry"/> of a non-request and
    /// after <see cref="DeliveryOutcomeKind.Defer"/> the delivery stays in flight: it is redelivered at once, or a
    /// timer is started first (<see cref="RedeliveryTimerStarted"/>), then <see cref="Redelivered"/>.</summary>
    void Settled(string destination, string group, TransportMessage message, int deliveryCount, DeliveryOutcome outcome, bool isRequest);

    /// <summary>The timer of a delayed redelivery was started: it fires at <paramref name="dueAt"/> on the broker's clock.</summary>
    void RedeliveryTimerStarted(string destination, string group, TransportMessage message, DateTimeOffset dueAt);

    /// <summary>A retried or deferred delivery is back in its group's queue.</summary>
    void Redelivered(string destination, string group, TransportMessage message);

    /// <summary>Entries were appended to an outbox (they will be relayed).</summary>
    void OutboxAppended(IReadOnlyList<OutboxMessage> entries);

    /// <summary>Outbox entries were relayed and removed.</summary>
    void OutboxDispatched(IReadOnlyList<string> ids);

    /// <summary>A schedule store changed (scheduled, cancelled, claimed or fired).</summary>
    void SchedulesChanged();
}
