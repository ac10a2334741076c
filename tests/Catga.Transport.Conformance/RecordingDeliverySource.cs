using System.Collections.Concurrent;

namespace Catga.Transport.Conformance;

/// <summary>Forwards to a real <see cref="IDeliverySource"/> and records what the engine asked of it: fetch sizes,
/// settlements and extensions. Signals each extension so a test can await it instead of sleeping.</summary>
public sealed class RecordingDeliverySource(IDeliverySource inner) : IDeliverySource
{
    private readonly ConcurrentQueue<int> _fetchSizes = new();
    private readonly ConcurrentQueue<(string? Id, DeliveryOutcome Outcome)> _settled = new();
    private readonly ConcurrentQueue<string?> _extended = new();
    private TaskCompletionSource _extendedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TransportCapabilities Capabilities => inner.Capabilities;

    /// <summary>Every maxMessages the engine passed to <see cref="FetchAsync"/>.</summary>
    public IReadOnlyList<int> FetchSizes => [.. _fetchSizes];

    /// <summary>Every settlement, by message id, in order.</summary>
    public IReadOnlyList<(string? Id, DeliveryOutcome Outcome)> Settled => [.. _settled];

    /// <summary>The message ids of every extension, in order.</summary>
    public IReadOnlyList<string?> Extended => [.. _extended];

    /// <summary>Completes at the next extension.</summary>
    public Task NextExtension => Volatile.Read(ref _extendedSignal).Task;

    public ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        _fetchSizes.Enqueue(maxMessages);
        return inner.FetchAsync(maxMessages, cancellationToken);
    }

    public async ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        await inner.SettleAsync(message, outcome, cancellationToken);
        _settled.Enqueue((message.Message.MessageId, outcome));
    }

    public async ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        await inner.ExtendAsync(message, cancellationToken);
        _extended.Enqueue(message.Message.MessageId);
        Interlocked.Exchange(ref _extendedSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => inner.GetLagAsync(cancellationToken);

    public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => inner.GetUnsettledAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
