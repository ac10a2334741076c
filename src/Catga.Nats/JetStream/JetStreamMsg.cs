using System.Text;

namespace Catga.Nats.JetStream;

/// <summary>A message fetched from a pull consumer, with the acknowledgements JetStream 2.9 understands.</summary>
public sealed class JetStreamMsg
{
    private static readonly byte[] Ack = "+ACK"u8.ToArray();
    private static readonly byte[] Nak = "-NAK"u8.ToArray();
    private static readonly byte[] InProgress = "+WPI"u8.ToArray();
    private static readonly byte[] Term = "+TERM"u8.ToArray();

    private readonly NatsConnection _connection;
    private JetStreamMsgMetadata? _metadata;

    internal JetStreamMsg(NatsConnection connection, NatsMsg message)
    {
        _connection = connection;
        Subject = message.Subject;
        ReplyTo = message.ReplyTo ?? throw new NatsProtocolException($"A JetStream message on '{message.Subject}' has no ack subject.");
        Headers = message.Headers;
        Data = message.Data;
    }

    /// <summary>The subject the message was published to.</summary>
    public string Subject { get; }

    /// <summary>The ack subject.</summary>
    public string ReplyTo { get; }

    /// <summary>The headers, or null.</summary>
    public NatsHeaders? Headers { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Stream, consumer, sequences and delivery count, parsed from the ack subject.</summary>
    public JetStreamMsgMetadata Metadata => _metadata ??= JetStreamMsgMetadata.Parse(ReplyTo);

    /// <summary>The payload decoded as UTF-8.</summary>
    /// <returns>The text.</returns>
    public string GetString() => Encoding.UTF8.GetString(Data.Span);

    /// <summary>Acknowledges the message (<c>+ACK</c>) without waiting for the server to confirm.</summary>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the ack is buffered for sending.</returns>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => Send(Ack, cancellationToken);

    /// <summary>
    /// Acknowledges the message and waits until the server confirms it recorded the ack (double ack), so the
    /// message will not be redelivered even if the link drops right after.
    /// </summary>
    /// <param name="timeout">How long to wait; the connection's request timeout when null.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the server confirmed.</returns>
    public async Task AckAndWaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await _connection.RequestAsync(ReplyTo, Ack, timeout: timeout, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Rejects the message (<c>-NAK</c>) so it is redelivered, after <paramref name="delay"/> if given.</summary>
    /// <param name="delay">How long the server waits before redelivering; zero for at once.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the nak is buffered for sending.</returns>
    public ValueTask NakAsync(TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        var body = delay > TimeSpan.Zero
            ? Encoding.ASCII.GetBytes($"-NAK {{\"delay\":{delay.Ticks * 100}}}")
            : Nak;
        return Send(body, cancellationToken);
    }

    /// <summary>Tells the server the message is still being worked on (<c>+WPI</c>), restarting its ack wait.</summary>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the signal is buffered for sending.</returns>
    public ValueTask InProgressAsync(CancellationToken cancellationToken = default) => Send(InProgress, cancellationToken);

    /// <summary>
    /// Stops redelivery of the message for good (<c>+TERM</c>). Sent without a reason because nats-server 2.9
    /// ignores <c>+TERM &lt;reason&gt;</c> entirely.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the signal is buffered for sending.</returns>
    public ValueTask TermAsync(CancellationToken cancellationToken = default) => Send(Term, cancellationToken);

    private ValueTask Send(byte[] body, CancellationToken cancellationToken) =>
        _connection.PublishAsync(ReplyTo, body, cancellationToken: cancellationToken);
}
