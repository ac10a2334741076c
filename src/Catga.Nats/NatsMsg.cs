using System.Text;

namespace Catga.Nats;

/// <summary>A message received from the server. It owns its payload; it stays valid after the next message arrives.</summary>
public readonly struct NatsMsg
{
    private readonly NatsConnection? _connection;

    internal NatsMsg(NatsConnection? connection, string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> data)
    {
        _connection = connection;
        Subject = subject;
        ReplyTo = replyTo;
        Headers = headers;
        Data = data;
    }

    /// <summary>The subject the message was published to.</summary>
    public string Subject { get; }

    /// <summary>The subject a reply should go to, or null.</summary>
    public string? ReplyTo { get; }

    /// <summary>The headers, or null when the message was sent with PUB rather than HPUB.</summary>
    public NatsHeaders? Headers { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The payload decoded as UTF-8.</summary>
    /// <returns>The text.</returns>
    public string GetString() => Encoding.UTF8.GetString(Data.Span);

    /// <summary>Publishes a reply to <see cref="ReplyTo"/>.</summary>
    /// <param name="data">The reply payload.</param>
    /// <param name="headers">Optional reply headers.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the reply is buffered for sending.</returns>
    /// <exception cref="InvalidOperationException">The message has no reply subject.</exception>
    public ValueTask ReplyAsync(ReadOnlyMemory<byte> data, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        if (ReplyTo is null || _connection is null)
        {
            throw new InvalidOperationException($"The message on '{Subject}' has no reply subject.");
        }

        return _connection.PublishAsync(ReplyTo, data, headers, cancellationToken: cancellationToken);
    }
}
