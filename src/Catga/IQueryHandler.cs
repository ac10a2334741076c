namespace Catga;

/// <summary>Handles a query.</summary>
/// <typeparam name="TQuery">The query type.</typeparam>
/// <typeparam name="TResult">The type of the value the query returns.</typeparam>
public interface IQueryHandler<in TQuery, TResult>
    where TQuery : IQuery<TResult>
{
    /// <summary>Handles the query.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The value, or a failure describing an expected error.</returns>
    ValueTask<CatgaResult<TResult>> HandleAsync(TQuery query, CancellationToken cancellationToken);
}
