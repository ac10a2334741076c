namespace Catga;

/// <summary>Answers a stream request with a sequence of items.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
public interface IStreamHandler<in TRequest, out TItem>
    where TRequest : IStreamRequest<TItem>
{
    /// <summary>Produces the items.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    IAsyncEnumerable<TItem> HandleAsync(TRequest request, CancellationToken cancellationToken);
}
