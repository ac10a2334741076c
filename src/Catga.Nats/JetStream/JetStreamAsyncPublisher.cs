namespace Catga.Nats.JetStream;

/// <summary>
/// Publishes to JetStream without waiting for each ack, keeping at most a fixed number of acks outstanding so a
/// fast producer cannot run unboundedly ahead of the stream.
/// </summary>
public sealed class JetStreamAsyncPublisher
{
    private readonly NatsJetStream _jetStream;
    private readonly SemaphoreSlim _window;
    private readonly int _maxOutstanding;

    internal JetStreamAsyncPublisher(NatsJetStream jetStream, int maxOutstanding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutstanding, 1);
        _jetStream = jetStream;
        _maxOutstanding = maxOutstanding;
        _window = new SemaphoreSlim(maxOutstanding, maxOutstanding);
    }

    /// <summary>How many publishes are waiting for their ack.</summary>
    public int Outstanding => _maxOutstanding - _window.CurrentCount;

    /// <summary>
    /// Sends a message once a slot is free and returns a task for its ack; the slot is released when the ack (or
    /// its failure) arrives.
    /// </summary>
    /// <param name="subject">A subject some stream stores.</param>
    /// <param name="data">The payload.</param>
    /// <param name="options">De-duplication id and expectations.</param>
    /// <param name="headers">Other headers.</param>
    /// <param name="cancellationToken">Cancels waiting for a slot.</param>
    /// <returns>A task that completes with the ack.</returns>
    public async ValueTask<Task<PubAck>> PublishAsync(string subject, ReadOnlyMemory<byte> data, JetStreamPublishOptions? options = null, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<PubAck> ack;
        try
        {
            ack = _jetStream.PublishAsync(subject, data, options, headers, CancellationToken.None);
        }
        catch
        {
            _window.Release();
            throw;
        }

        _ = ack.ContinueWith(static (_, window) => ((SemaphoreSlim)window!).Release(), _window, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return ack;
    }

    /// <summary>Waits until every publish made so far has its ack or its failure.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when nothing is outstanding.</returns>
    public async Task WaitForAcksAsync(CancellationToken cancellationToken = default)
    {
        var taken = 0;
        try
        {
            // Holding every slot at once proves every earlier publish released its own.
            for (; taken < _maxOutstanding; taken++)
            {
                await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (taken > 0)
            {
                _window.Release(taken);
            }
        }
    }
}
