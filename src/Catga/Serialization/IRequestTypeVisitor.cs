namespace Catga.Serialization;

/// <summary>
/// Acts on one request type of the registry with its static types, so a library (endpoint mapping in
/// Catga.AspNetCore) can build a typed delegate for each command and query without reflection.
/// </summary>
public interface IRequestTypeVisitor
{
    /// <summary>Called with the registry entry of one request type.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The result value type (<see cref="Unit"/> for a command without result).</typeparam>
    /// <param name="info">The entry.</param>
    void Visit<TRequest, TResponse>(RequestTypeInfo<TRequest, TResponse> info)
        where TRequest : IRequest<TResponse>, ISerializableRequest<TRequest, TResponse>;
}
