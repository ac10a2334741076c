using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Catga.Nats.Protocol;

namespace Catga.Nats;

/// <summary>
/// Request/reply over one wildcard inbox subscription per connection: each request gets a numeric id appended to
/// the inbox prefix, and the reply is routed to its waiter by that id.
/// </summary>
public sealed partial class NatsConnection
{
    /// <summary>
    /// Publishes a request and waits for the first reply.
    /// </summary>
    /// <param name="subject">A concrete subject.</param>
    /// <param name="data">The request payload.</param>
    /// <param name="headers">Optional headers.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="NatsOptions.RequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels waiting; a reply arriving later is dropped.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="NatsNoRespondersException">Nobody is subscribed to <paramref name="subject"/>.</exception>
    /// <exception cref="NatsTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="NatsConnectionException">The link was lost while waiting, or the connection is closed.</exception>
    public async Task<NatsMsg> RequestAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAnyAsync(subject, data, headers, timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Headers is { StatusCode: 503 } && reply.Data.IsEmpty)
        {
            throw new NatsNoRespondersException(subject);
        }

        return reply;
    }

    /// <summary>Like <see cref="RequestAsync"/> but returns status replies (e.g. 503) instead of throwing for them.</summary>
    internal async Task<NatsMsg> RequestAnyAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        SubjectValidator.ValidatePublish(subject);
        EnsureAcceptingWork();
        EnsureCanSend(data.Length + (headers?.GetSerializedLength() ?? 0));
        if (Interlocked.Read(ref _inboxSid) == 0)
        {
            await SubscribeInboxAsync(cancellationToken).ConfigureAwait(false);
        }

        var wait = timeout ?? _options.RequestTimeout;
        var id = Interlocked.Increment(ref _nextRequestId);
        // Continuations run off the read loop so a slow caller cannot stall every other subscription.
        var pending = new TaskCompletionSource<NatsMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = pending;
        try
        {
            await _writer.PublishAsync(new PublishCommand(subject, _inboxPrefixBytes, id, headers, data), cancellationToken).ConfigureAwait(false);
            return await pending.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NatsTimeoutException($"The request to '{subject}'", wait);
        }
        finally
        {
            _requests.TryRemove(id, out _);
        }
    }

    private async Task SubscribeInboxAsync(CancellationToken cancellationToken)
    {
        await _inboxLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _inboxSid) != 0)
            {
                return;
            }

            var sid = Interlocked.Increment(ref _nextSid);
            // Set before the SUB goes out so the read loop recognises the first reply.
            Interlocked.Exchange(ref _inboxSid, sid);
            await _writer.SubscribeAsync(_inboxPrefix + "*", null, sid, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inboxLock.Release();
        }
    }

    private void DispatchReply(in ServerOp op)
    {
        var subject = op.Subject.Span;
        if (subject.Length <= _inboxPrefixBytes.Length
            || !Utf8Parser.TryParse(subject[_inboxPrefixBytes.Length..], out long id, out var consumed)
            || consumed != subject.Length - _inboxPrefixBytes.Length)
        {
            return;
        }

        // Absent when the request already timed out or was cancelled: the late reply is dropped.
        if (!_requests.TryRemove(id, out var pending))
        {
            return;
        }

        var headers = op.Kind == ServerOpKind.HMsg ? NatsHeaders.Parse(op.Headers) : null;
        var data = op.Payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : op.Payload.ToArray();
        var replyTo = op.ReplyTo.IsEmpty ? null : Encoding.UTF8.GetString(op.ReplyTo.Span);
        pending.TrySetResult(new NatsMsg(this, Encoding.UTF8.GetString(subject), replyTo, headers, data));
    }

    private void FailRequests(Exception error)
    {
        foreach (var id in _requests.Keys)
        {
            if (_requests.TryRemove(id, out var pending))
            {
                pending.TrySetException(error);
            }
        }
    }
}
