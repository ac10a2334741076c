using System.ComponentModel;
using Catga.Runtime;

namespace Catga;

/// <summary>Something that happened, published to every <see cref="IEventHandler{TEvent}"/> of its type (zero or more).</summary>
public interface IEvent : IMessage
{
    /// <summary>Routes this event to its handlers. Implemented by the source generator with a direct, typed call;
    /// the default serves event types the generator did not see, through a slower lookup.</summary>
    /// <param name="dispatcher">The dispatcher of the calling mediator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Success, or the aggregated failures of the handlers.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    ValueTask<CatgaResult> DispatchAsync(CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => dispatcher.PublishByRuntimeTypeAsync(this, cancellationToken);
}
