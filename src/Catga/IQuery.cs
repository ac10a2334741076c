namespace Catga;

/// <summary>A query that reads state without changing it; its handler implements <see cref="IQueryHandler{TQuery, TResult}"/>.</summary>
/// <typeparam name="TResult">The type of the value the query returns.</typeparam>
public interface IQuery<TResult> : IRequest<TResult>
{
}
