namespace Catga;

/// <summary>
/// Sends commands and queries, publishes events and opens streams. Every call returns a result: handler
/// exceptions become failed results that keep the exception, and nothing is thrown for an expected failure.
/// </summary>
public interface ICatgaMediator
{
    /// <summary>Sends a command that produces no value to its handler.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Flows to every behavior and the handler.</param>
    /// <returns>Success, or the failure.</returns>
    ValueTask<CatgaResult> SendAsync(ICommand command, CancellationToken cancellationToken = default);

    /// <summary>Sends a command or query to its handler.</summary>
    /// <typeparam name="TResponse">The type of the value; inferred from the request.</typeparam>
    /// <param name="request">The command or query.</param>
    /// <param name="cancellationToken">Flows to every behavior and the handler.</param>
    /// <returns>The value, or the failure.</returns>
    ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default);

    /// <summary>Publishes an event to every handler of its type. With <see cref="EventPublishMode.Sequential"/> (the default)
    /// handlers run one after another; with <see cref="EventPublishMode.Concurrent"/> they run at once. Either way every
    /// handler runs even when another fails, and the result is a failure with code
    /// <see cref="CatgaErrorCodes.EventHandlerFailed"/> holding one inner error per failed handler.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Flows to every handler.</param>
    /// <returns>Success when every handler succeeded (or there are none), or the failure.</returns>
    ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Opens a stream. Each item arrives as a successful result; when the handler throws or cannot be found,
    /// one failed result is the last item.</summary>
    /// <typeparam name="TItem">The type of the items; inferred from the request.</typeparam>
    /// <param name="request">The stream request.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    IAsyncEnumerable<CatgaResult<TItem>> CreateStream<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken = default);
}
