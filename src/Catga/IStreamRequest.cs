using System.ComponentModel;
using Catga.Runtime;

namespace Catga;

/// <summary>A request answered by a stream of <typeparamref name="TItem"/> from one <see cref="IStreamHandler{TRequest, TItem}"/>.</summary>
/// <typeparam name="TItem">The type of the items.</typeparam>
public interface IStreamRequest<TItem> : IMessage
{
    /// <summary>Routes this request to its handler. Implemented by the source generator with a direct, typed call;
    /// the default serves request types the generator did not see, through a slower lookup.</summary>
    /// <param name="dispatcher">The dispatcher of the calling mediator.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items, each wrapped in a result; a failure is the last item.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    IAsyncEnumerable<CatgaResult<TItem>> DispatchStream(CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => dispatcher.StreamByRuntimeType(this, cancellationToken);
}
