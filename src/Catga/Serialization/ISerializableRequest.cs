using System.ComponentModel;

namespace Catga.Serialization;

/// <summary>A request whose result value has a generated binary format, so the result can travel back from another
/// process. Implemented by the source generator.</summary>
/// <typeparam name="TSelf">The request type.</typeparam>
/// <typeparam name="TResponse">The result value type.</typeparam>
public interface ISerializableRequest<TSelf, TResponse> : ISerializableMessage<TSelf>
    where TSelf : ISerializableRequest<TSelf, TResponse>, IRequest<TResponse>
{
    /// <summary>Writes a result value.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static abstract void WriteResponse(ref CatgaBinaryWriter writer, TResponse value);

    /// <summary>Reads a result value.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The value.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static abstract TResponse ReadResponse(ref CatgaBinaryReader reader);
}
