using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Catga.Nats.JetStream;

/// <summary>
/// JetStream over a <see cref="NatsConnection"/> (nats-server 2.9 API): streams, durable pull consumers,
/// acknowledged publishing, and fetching.
/// </summary>
public sealed class NatsJetStream
{
    private readonly NatsConnection _connection;
    private readonly string _prefix;
    private readonly TimeSpan? _timeout;

    /// <summary>Creates a JetStream context.</summary>
    /// <param name="connection">The connection to use.</param>
    /// <param name="apiPrefix">The API subject prefix; change it only for a JetStream domain, e.g. <c>$JS.hub.API</c>.</param>
    /// <param name="timeout">The timeout of API calls and publish acks; the connection's request timeout when null.</param>
    public NatsJetStream(NatsConnection connection, string apiPrefix = "$JS.API", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(apiPrefix);
        _connection = connection;
        _prefix = apiPrefix + ".";
        _timeout = timeout;
    }

    /// <summary>Creates a stream.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The created stream.</returns>
    /// <exception cref="NatsJetStreamException">The server rejected the configuration or the name is taken with another configuration.</exception>
    public Task<StreamInfo> CreateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default) =>
        StreamCallAsync("STREAM.CREATE.", config, cancellationToken);

    /// <summary>Updates a stream's configuration.</summary>
    /// <param name="config">The new configuration; <see cref="StreamConfig.Name"/> selects the stream.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The updated stream.</returns>
    public Task<StreamInfo> UpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default) =>
        StreamCallAsync("STREAM.UPDATE.", config, cancellationToken);

    /// <summary>Reads a stream's configuration and state.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="NatsJetStreamException">Code 404 when the stream does not exist.</exception>
    public Task<StreamInfo> GetStreamAsync(string stream, CancellationToken cancellationToken = default) =>
        CallAsync("STREAM.INFO." + ValidName(stream, nameof(stream)), ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.StreamInfo, cancellationToken);

    /// <summary>Deletes a stream and its messages and consumers.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when deleted.</returns>
    public async Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default) =>
        await CallAsync("STREAM.DELETE." + ValidName(stream, nameof(stream)), ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.ApiResponse, cancellationToken).ConfigureAwait(false);

    /// <summary>Removes every message from a stream.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>How many messages were removed.</returns>
    public async Task<long> PurgeStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("STREAM.PURGE." + ValidName(stream, nameof(stream)), ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.ApiResponse, cancellationToken).ConfigureAwait(false);
        return response.Purged;
    }

    /// <summary>Reads the account's JetStream usage.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="NatsNoRespondersException">JetStream is not enabled on the server.</exception>
    public Task<AccountInfo> GetAccountInfoAsync(CancellationToken cancellationToken = default) =>
        CallAsync("INFO", ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.AccountInfo, cancellationToken);

    /// <summary>Creates a durable pull consumer, or updates it when it exists with a compatible configuration.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="config">The configuration.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The consumer.</returns>
    public Task<ConsumerInfo> CreateOrUpdateConsumerAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var subject = $"CONSUMER.DURABLE.CREATE.{ValidName(stream, nameof(stream))}.{ValidName(config.DurableName, nameof(config))}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new ConsumerCreateRequest { StreamName = stream, Config = config }, JetStreamJsonContext.Default.ConsumerCreateRequest);
        return CallAsync(subject, body, JetStreamJsonContext.Default.ConsumerInfo, cancellationToken);
    }

    /// <summary>Reads a consumer's configuration and progress.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="consumer">The consumer name.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The consumer.</returns>
    public Task<ConsumerInfo> GetConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default) =>
        CallAsync($"CONSUMER.INFO.{ValidName(stream, nameof(stream))}.{ValidName(consumer, nameof(consumer))}", ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.ConsumerInfo, cancellationToken);

    /// <summary>Deletes a consumer.</summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="consumer">The consumer name.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when deleted.</returns>
    public async Task DeleteConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default) =>
        await CallAsync($"CONSUMER.DELETE.{ValidName(stream, nameof(stream))}.{ValidName(consumer, nameof(consumer))}", ReadOnlyMemory<byte>.Empty, JetStreamJsonContext.Default.ApiResponse, cancellationToken).ConfigureAwait(false);

    /// <summary>Publishes a message and waits for the stream to acknowledge that it stored it.</summary>
    /// <param name="subject">A subject some stream stores.</param>
    /// <param name="data">The payload.</param>
    /// <param name="options">De-duplication id and expectations, sent as headers.</param>
    /// <param name="headers">Other headers.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The acknowledgement.</returns>
    /// <exception cref="NatsNoRespondersException">No stream stores <paramref name="subject"/>.</exception>
    /// <exception cref="NatsJetStreamException">The stream rejected the message, e.g. a wrong expected sequence.</exception>
    public async Task<PubAck> PublishAsync(string subject, ReadOnlyMemory<byte> data, JetStreamPublishOptions? options = null, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        var reply = await _connection.RequestAsync(subject, data, WithPublishHeaders(options, headers), _timeout, cancellationToken).ConfigureAwait(false);
        return Read(reply, JetStreamJsonContext.Default.PubAck);
    }

    /// <summary>Creates a publisher that keeps up to <paramref name="maxOutstanding"/> publishes waiting for acks at once.</summary>
    /// <param name="maxOutstanding">The most acks outstanding; further publishes wait for a slot.</param>
    /// <returns>The publisher.</returns>
    public JetStreamAsyncPublisher CreateAsyncPublisher(int maxOutstanding = 256) => new(this, maxOutstanding);

    /// <summary>
    /// Fetches up to <see cref="FetchOptions.MaxMessages"/> messages from a durable pull consumer. The sequence ends
    /// when the batch is complete, when the server reports no messages (404) or an expired request (408), or when
    /// the byte limit is reached (409 Message Size Exceeds MaxBytes). Idle heartbeats (100) are skipped.
    /// </summary>
    /// <param name="stream">The stream name.</param>
    /// <param name="consumer">The consumer name.</param>
    /// <param name="options">Batch size, expiry, no-wait and byte limit.</param>
    /// <param name="cancellationToken">Stops the fetch.</param>
    /// <returns>The messages, in delivery order.</returns>
    /// <exception cref="NatsJetStreamException">Another 409 status, e.g. the consumer was deleted or too many requests wait.</exception>
    public async IAsyncEnumerable<JetStreamMsg> FetchAsync(string stream, string consumer, FetchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new FetchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessages, 1, nameof(options));
        var subject = $"{_prefix}CONSUMER.MSG.NEXT.{ValidName(stream, nameof(stream))}.{ValidName(consumer, nameof(consumer))}";
        var inbox = _connection.NewInbox();
        // Room for the whole batch plus status messages, so a large batch is never dropped as a slow consumer.
        await using var subscription = await _connection.SubscribeAsync(inbox, null, options.MaxMessages + 16, cancellationToken).ConfigureAwait(false);
        var request = new PullRequest
        {
            Batch = options.MaxMessages,
            Expires = options.NoWait ? TimeSpan.Zero : options.Expires,
            NoWait = options.NoWait,
            MaxBytes = options.MaxBytes,
            IdleHeartbeat = options.IdleHeartbeat,
        };
        await _connection.PublishAsync(subject, JsonSerializer.SerializeToUtf8Bytes(request, JetStreamJsonContext.Default.PullRequest), replyTo: inbox, cancellationToken: cancellationToken).ConfigureAwait(false);

        // The server ends the request itself; this client-side limit only guards against a server that never answers.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter((options.NoWait ? TimeSpan.Zero : options.Expires) + TimeSpan.FromSeconds(5));
        var received = 0;
        while (received < options.MaxMessages)
        {
            var next = await ReadNextAsync(subscription, deadline.Token, cancellationToken).ConfigureAwait(false);
            if (next is not { } message)
            {
                yield break;
            }

            if (message.Headers is { StatusCode: > 0 } status && message.Data.IsEmpty && message.ReplyTo is null)
            {
                switch (status.StatusCode)
                {
                    case 100:
                        continue;
                    case 404 or 408:
                        yield break;
                    case 409 when status.StatusDescription.Contains("MaxBytes", StringComparison.OrdinalIgnoreCase):
                        yield break;
                    default:
                        throw new NatsJetStreamException(status.StatusCode, 0, status.StatusDescription);
                }
            }

            received++;
            yield return new JetStreamMsg(_connection, message);
        }
    }

    private static async Task<NatsMsg?> ReadNextAsync(NatsSubscription subscription, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            if (await subscription.Messages.WaitToReadAsync(deadline).ConfigureAwait(false) && subscription.Messages.TryRead(out var message))
            {
                return message;
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static NatsHeaders? WithPublishHeaders(JetStreamPublishOptions? options, NatsHeaders? headers)
    {
        if (options is null)
        {
            return headers;
        }

        var result = new NatsHeaders();
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                result.Add(header.Key, header.Value);
            }
        }

        if (options.MsgId is not null)
        {
            result.Set("Nats-Msg-Id", options.MsgId);
        }

        if (options.ExpectedStream is not null)
        {
            result.Set("Nats-Expected-Stream", options.ExpectedStream);
        }

        if (options.ExpectedLastSequence is { } lastSequence)
        {
            result.Set("Nats-Expected-Last-Sequence", lastSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (options.ExpectedLastSubjectSequence is { } lastSubjectSequence)
        {
            result.Set("Nats-Expected-Last-Subject-Sequence", lastSubjectSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (options.ExpectedLastMsgId is not null)
        {
            result.Set("Nats-Expected-Last-Msg-Id", options.ExpectedLastMsgId);
        }

        return result;
    }

    private Task<StreamInfo> StreamCallAsync(string operation, StreamConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var body = JsonSerializer.SerializeToUtf8Bytes(config, JetStreamJsonContext.Default.StreamConfig);
        return CallAsync(operation + ValidName(config.Name, nameof(config)), body, JetStreamJsonContext.Default.StreamInfo, cancellationToken);
    }

    private async Task<T> CallAsync<T>(string operation, ReadOnlyMemory<byte> body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var reply = await _connection.RequestAsync(_prefix + operation, body, timeout: _timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Read(reply, type);
    }

    private static T Read<T>(NatsMsg reply, JsonTypeInfo<T> type)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(reply.Data.Span, JetStreamJsonContext.Default.ApiResponse);
            if (envelope?.Error is { } error)
            {
                throw new NatsJetStreamException(error.Code, error.ErrCode, error.Description ?? "no description");
            }

            return JsonSerializer.Deserialize(reply.Data.Span, type)
                ?? throw new NatsProtocolException($"JetStream answered null on '{reply.Subject}'.");
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"JetStream answered with JSON that does not fit {typeof(T).Name}: {ex.Message}");
        }
    }

    private static string ValidName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        if (name.AsSpan().IndexOfAny(". \t\r\n*>") >= 0)
        {
            throw new ArgumentException($"'{name}' is not a valid stream or consumer name: it must not contain '.', '*', '>' or whitespace.", parameterName);
        }

        return name;
    }
}
