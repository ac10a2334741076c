namespace Catga.Serialization;

/// <summary>Reads the serialized result of a request of result type <typeparamref name="TResponse"/>.</summary>
/// <typeparam name="TResponse">The result value type.</typeparam>
internal interface IResultReader<TResponse>
{
    CatgaResult<TResponse> ReadResult(ReadOnlySpan<byte> data);
}
