using System.Buffers;

namespace Catga.Serialization;

/// <summary>
/// The registry entry of a request whose result can be serialized: besides reading and writing the request, it runs a
/// request that arrived from another process through the local pipeline and carries the <see cref="CatgaResult{T}"/>
/// back. Created by the generated registry.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The result value type.</typeparam>
public sealed class RequestTypeInfo<TRequest, TResponse> : MessageTypeInfo, IResultReader<TResponse>
    where TRequest : IRequest<TResponse>, ISerializableRequest<TRequest, TResponse>
{
    /// <summary>Creates the entry.</summary>
    /// <param name="kind">Command or query.</param>
    /// <param name="isDistributed">Whether the type is marked <see cref="DistributedAttribute"/>.</param>
    public RequestTypeInfo(MessageKind kind, bool isDistributed)
        : base(TRequest.MessageTypeName, typeof(TRequest))
    {
        Kind = kind;
        IsDistributed = isDistributed;
    }

    /// <inheritdoc/>
    internal override int Slot => Runtime.MessageSlot<TRequest>.Index;

    /// <inheritdoc/>
    public override Type? ResponseType => typeof(TResponse);

    /// <inheritdoc/>
    public override bool TryAccept(IRequestTypeVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        visitor.Visit(this);
        return true;
    }

    /// <inheritdoc/>
    public override Security.MessageProtection Protection => TRequest.Protection;

    /// <inheritdoc/>
    public override void WriteBinary(object message, IBufferWriter<byte> output)
    {
        if (message is not TRequest typed)
        {
            throw new ArgumentException($"Expected a message of type {typeof(TRequest).FullName} ({Name}) but got {message?.GetType().FullName ?? "null"}.", nameof(message));
        }

        CatgaBinarySerializer.Serialize(typed, output);
    }

    /// <inheritdoc/>
    public override object ReadBinary(ReadOnlySpan<byte> data) => CatgaBinarySerializer.Deserialize<TRequest>(data);

    /// <inheritdoc/>
    public override object ReadBinary(in ReadOnlySequence<byte> data) => CatgaBinarySerializer.Deserialize<TRequest>(data);

    internal override async ValueTask<CatgaResult> InvokeRequestAsync(Runtime.CatgaDispatcher dispatcher, object message, IBufferWriter<byte> result, CancellationToken cancellationToken)
    {
        var outcome = await dispatcher.SendAsync((TRequest)message, cancellationToken).ConfigureAwait(false);
        WriteResult(outcome, result);
        return outcome.IsSuccess ? CatgaResult.Success() : CatgaResult.Failure(outcome.Error!);
    }

    CatgaResult<TResponse> IResultReader<TResponse>.ReadResult(ReadOnlySpan<byte> data) => ReadResult(data);

    /// <summary>Writes a result: a status byte, then the value or the error (code, message, field errors, inner errors).</summary>
    /// <param name="value">The result.</param>
    /// <param name="output">The destination.</param>
    public static void WriteResult(in CatgaResult<TResponse> value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new CatgaBinaryWriter(128);
        try
        {
            if (value.Error is null)
            {
                writer.WriteByte(1);
                TRequest.WriteResponse(ref writer, value.ValueOrDefault!);
            }
            else
            {
                writer.WriteByte(0);
                ResultErrors.Write(ref writer, value.Error, 0);
            }

            output.Write(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Reads a result written by <see cref="WriteResult"/>.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The result. A failure carries no exception object: only its code, message and details cross processes.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a valid result.</exception>
    public static CatgaResult<TResponse> ReadResult(ReadOnlySpan<byte> data)
    {
        var reader = new CatgaBinaryReader(data);
        byte status = reader.ReadByte();
        CatgaResult<TResponse> outcome = status switch
        {
            1 => CatgaResult<TResponse>.Success(TRequest.ReadResponse(ref reader)),
            0 => CatgaResult<TResponse>.Failure(ResultErrors.Read(ref reader, 0)),
            _ => throw new CatgaSerializationException($"Invalid data: a result starts with 0 or 1, not {status}."),
        };
        reader.EnsureEnd();
        return outcome;
    }
}
