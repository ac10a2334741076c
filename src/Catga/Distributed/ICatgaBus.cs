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
}
