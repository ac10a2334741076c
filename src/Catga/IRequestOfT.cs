using System.ComponentModel;
using Catga.Runtime;

namespace Catga;

/// <summary>A message sent to exactly one handler that answers with a <see cref="CatgaResult{T}"/>.</summary>
/// <typeparam name="TResponse">The type of the value the handler returns.</typeparam>
/// <remarks>Implement <see cref="ICommand"/>, <see cref="ICommand{TResult}"/> or <see cref="IQuery{TResult}"/> rather than this interface.</remarks>
public interface IRequest<TResponse> : IMessage
{
    /// <summary>Routes this request to its pipeline. Implemented by the source generator with a direct, typed call;
    /// the default serves request types the generator did not see, through a slower lookup.</summary>
    /// <param name="dispatcher">The dispatcher of the calling mediator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result of the pipeline.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    ValueTask<CatgaResult<TResponse>> DispatchAsync(CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => dispatcher.DispatchByRuntimeTypeAsync(this, cancellationToken);
}
