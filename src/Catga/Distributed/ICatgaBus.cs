using Catga.Scheduling;

namespace Catga.Distributed;

/// <summary>
/// Sends messages to other services without waiting for them to be handled. With an outbox store the message is
/// stored first and relayed (inside a handler of a transport message: atomically with that message's inbox record);
/// without one it goes straight to the transport. Use <see cref="ICatgaMediator"/> for request/reply.
/// </summary>
public interface ICatgaBus
{
    /// <summary>Sends a command to the service that handles it; its result is kept in that service's inbox.</summary>
    /// <param name="command">The command (a command with a result is sent too; the result stays with the receiver).</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Success once the command is stored (outbox) or accepted by the transport; otherwise the failure.</returns>
    ValueTask<CatgaResult> SendAsync(IMessage command, CancellationToken cancellationToken = default);

    /// <summary>Publishes an event to every subscribed service (not to this process's own handlers; use
    /// <see cref="ICatgaMediator.PublishAsync"/> for both).</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Success once the event is stored (outbox) or accepted by the transport; otherwise the failure.</returns>
    ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Publishes several events (or one-way commands) in one step: one outbox write, or one pipelined batch per
    /// destination on the transport, keeping their order per destination.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Success once all are stored (outbox) or accepted by the transport; otherwise the failure.</returns>
    ValueTask<CatgaResult> PublishBatchAsync(IReadOnlyList<IMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Sends a command after a delay (see docs/scheduling.md). The message is stored now, serialized with its
    /// message id, correlation and causation ids and trace context, and fired through the same routing as
    /// <see cref="SendAsync"/>. Inside a handler with the outbox, the schedule is written with that handler's outbox, so
    /// it exists if and only if the handling counted.</summary>
    /// <param name="command">The command.</param>
    /// <param name="delay">How long from now (by the registered <see cref="TimeProvider"/>).</param>
    /// <param name="options">The schedule id (to replace a pending schedule), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule id, for <see cref="CancelScheduledAsync"/>.</returns>
    /// <exception cref="ArgumentException">The message is an event, or not in the message registry.</exception>
    ValueTask<ScheduleId> ScheduleSendAsync(IMessage command, TimeSpan delay, ScheduleOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a command at an instant (a past instant fires at once). See
    /// <see cref="ScheduleSendAsync(IMessage, TimeSpan, ScheduleOptions?, CancellationToken)"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="dueAt">When it fires.</param>
    /// <param name="options">The schedule id (to replace a pending schedule), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule id.</returns>
    ValueTask<ScheduleId> ScheduleSendAsync(IMessage command, DateTimeOffset dueAt, ScheduleOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Publishes an event after a delay, through the same routing as <see cref="PublishAsync"/>. See
    /// <see cref="ScheduleSendAsync(IMessage, TimeSpan, ScheduleOptions?, CancellationToken)"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="delay">How long from now.</param>
    /// <param name="options">The schedule id (to replace a pending schedule), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule id.</returns>
    ValueTask<ScheduleId> SchedulePublishAsync(IEvent @event, TimeSpan delay, ScheduleOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Publishes an event at an instant. See
    /// <see cref="ScheduleSendAsync(IMessage, TimeSpan, ScheduleOptions?, CancellationToken)"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="dueAt">When it fires.</param>
    /// <param name="options">The schedule id (to replace a pending schedule), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule id.</returns>
    ValueTask<ScheduleId> SchedulePublishAsync(IEvent @event, DateTimeOffset dueAt, ScheduleOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending scheduled message. Inside a handler with the outbox, the cancellation is written with
    /// that handler's outbox and takes effect when the relay applies it (the call then returns <see langword="true"/>).</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a pending message was cancelled; <see langword="false"/> when none was
    /// pending (never scheduled, already fired, or being fired now).</returns>
    ValueTask<bool> CancelScheduledAsync(ScheduleId id, CancellationToken cancellationToken = default);
}
