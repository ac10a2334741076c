namespace Catga.Transport.InMemory;

/// <summary>
/// The embedded transport: messages stay in the process, in an <see cref="InMemoryBroker"/>. It is durable for the
/// life of the broker (messages wait for a stopped group, a failed message is redelivered, a retry delay is honoured)
/// and keeps order per destination for a consumer with <see cref="TransportSubscription.MaxConcurrency"/> 1. Nothing
/// survives the process: use it for one process, tests and demos.
/// </summary>
public sealed class InMemoryTransport : IMessageTransport
{
    private readonly InMemoryBroker _broker;
    private int _disposed;

    /// <summary>Creates a transport connected to <paramref name="broker"/>.</summary>
    /// <param name="broker">The broker shared by every transport that should see the same messages.</param>
    public InMemoryTransport(InMemoryBroker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _broker = broker;
    }

    /// <inheritdoc/>
    public string Name => "inmemory";

    /// <inheritdoc/>
    public ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var observer = _broker.Observer;
        foreach (var group in _broker.Get(destination).Groups.Values)
        {
            observer?.Enqueued(destination, group.Name, message, isRequest: false);
            group.Enqueue(new InMemoryBroker.Delivery(message, 1, null));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask SendBatchAsync(string destination, IReadOnlyList<TransportMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await SendAsync(destination, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ThrowIfDisposed();
        InMemoryBroker.GroupQueue? target = null;
        foreach (var group in _broker.Get(destination).Groups.Values)
        {
            if (group.Consumers > 0)
            {
                target = group;
                break;
            }
        }

        if (target is null)
        {
            throw new TransportNoRespondersException($"No consumer is subscribed to '{destination}'.");
        }

        var reply = new TaskCompletionSource<TransportMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.Observer?.Enqueued(destination, target.Name, message, isRequest: true);
        target.Enqueue(new InMemoryBroker.Delivery(message, 1, reply));
        try
        {
            return await reply.Task.WaitAsync(timeout, _broker.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TransportTimeoutException($"No reply from '{destination}' within {timeout.TotalMilliseconds:0} ms.", ex);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var queue = _broker.Get(subscription.Destination).GetGroup(subscription.Group);
        return new(new InMemoryDeliverySource(subscription, queue, _broker));
    }

    /// <inheritdoc/>
    public ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken)
        => new(Volatile.Read(ref _disposed) != 0 ? "The in-memory transport is disposed." : null);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
