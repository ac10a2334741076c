namespace Catga.Transport;

/// <summary>A running subscription (<see cref="ConsumerEngine"/>). <see cref="IAsyncDisposable.DisposeAsync"/> stops
/// gracefully, like <see cref="StopAsync"/> with a token that never fires, and closes the subscription.</summary>
public interface ITransportConsumer : IAsyncDisposable
{
    /// <summary>The subscription.</summary>
    TransportSubscription Subscription { get; }

    /// <summary>Messages handed to the handler and not yet settled.</summary>
    int InFlight { get; }

    /// <summary>How many messages of the destination wait for this consumer's group and have not been delivered yet
    /// (consumer lag), as the server reports it; <see langword="null"/> when the transport cannot tell.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The lag, or <see langword="null"/>.</returns>
    ValueTask<long?> GetLagAsync(CancellationToken cancellationToken);

    /// <summary>The subscription's delivered and not yet settled messages, as the server reports it (see
    /// <see cref="IDeliverySource.GetUnsettledAsync"/>); <see langword="null"/> when the transport cannot tell.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count, or <see langword="null"/>.</returns>
    ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken);

    /// <summary>Stops fetching, waits for the handlers of delivered messages to finish and settles them; messages
    /// fetched but not yet handed to a handler are deferred (redelivered at once, no attempt counted). When
    /// <paramref name="cancellationToken"/> fires, running handlers are cancelled and their messages are deferred
    /// (redelivered by durable transports), never acknowledged.</summary>
    /// <param name="cancellationToken">Ends the graceful wait.</param>
    /// <returns>A task that completes when the consumer has stopped.</returns>
    Task StopAsync(CancellationToken cancellationToken);
}
