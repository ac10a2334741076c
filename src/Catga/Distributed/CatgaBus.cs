namespace Catga.Distributed;

/// <summary>The <see cref="ICatgaBus"/> over the outbound router.</summary>
internal sealed class CatgaBus(OutboundRouter router) : ICatgaBus
{
    public ValueTask<CatgaResult> SendAsync(IMessage command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is IEvent)
        {
            throw new ArgumentException($"{command.GetType().FullName} is an event; publish it with PublishAsync.", nameof(command));
        }

        return router.SendOneWayAsync(command, cancellationToken);
    }

    public ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return router.SendOneWayAsync(@event, cancellationToken);
    }

    public ValueTask<CatgaResult> PublishBatchAsync(IReadOnlyList<IMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return router.SendOneWayBatchAsync(messages, cancellationToken);
    }
}
