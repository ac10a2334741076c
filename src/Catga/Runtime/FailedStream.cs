namespace Catga.Runtime;

/// <summary>A stream whose only item is a failure, for a request that cannot be dispatched.</summary>
/// <typeparam name="TItem">The type of the items.</typeparam>
internal sealed class FailedStream<TItem>(CatgaError error) : IAsyncEnumerable<CatgaResult<TItem>>
{
    public async IAsyncEnumerator<CatgaResult<TItem>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return CatgaResult<TItem>.Failure(error);
    }
}
