using System.ComponentModel;
using Catga.Runtime;

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
    /// <remarks>Not virtual: a generic virtual call costs a run-time method lookup on every call, so Catga's own mediator
    /// is reached directly and other implementations through <see cref="SendCoreAsync{TResponse}"/>.</remarks>
    sealed ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return this is CatgaDispatcher dispatcher ? request.DispatchAsync(dispatcher, cancellationToken) : SendCoreAsync(request, cancellationToken);
    }

    /// <summary>Sends a command or query; what <see cref="SendAsync{TResponse}"/> calls for implementations other than
    /// Catga's own, such as test doubles or decorators.</summary>
    /// <typeparam name="TResponse">The type of the value.</typeparam>
    /// <param name="request">The command or query (not null).</param>
    /// <param name="cancellationToken">Flows to every behavior and the handler.</param>
    /// <returns>The value, or the failure.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    ValueTask<CatgaResult<TResponse>> SendCoreAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken);

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
    /// <remarks>Not virtual, for the same reason as <see cref="SendAsync{TResponse}"/>; other implementations are reached
    /// through <see cref="CreateStreamCore{TItem}"/>.</remarks>
    sealed IAsyncEnumerable<CatgaResult<TItem>> CreateStream<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return this is CatgaDispatcher dispatcher ? request.DispatchStream(dispatcher, cancellationToken) : CreateStreamCore(request, cancellationToken);
    }

    /// <summary>Opens a stream; what <see cref="CreateStream{TItem}"/> calls for implementations other than Catga's own.</summary>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="request">The stream request (not null).</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    IAsyncEnumerable<CatgaResult<TItem>> CreateStreamCore<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken);
}
