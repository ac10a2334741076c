using System.Collections.Concurrent;
using System.Threading.Channels;
using Catga.DeadLetters;

namespace Catga.AspNetCore.Tests;

/// <summary>A distributed command: sent over the transport, so a failing handler dead-letters it.</summary>
[Distributed, Idempotent, CatgaCommand]
public partial record ProcessPayment(string PaymentId, decimal Amount) : ICommand;

/// <summary>What the payment handler saw; payment ids in <see cref="Poisoned"/> make it throw.</summary>
public sealed class PaymentLog
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _handled = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, bool> Poisoned { get; } = new(StringComparer.Ordinal);

    public void MarkHandled(string id) => Signal(id).TrySetResult();

    public Task WaitHandledAsync(string id) => Signal(id).Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource Signal(string id) => _handled.GetOrAdd(id, static _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed class ProcessPaymentHandler(PaymentLog log) : ICommandHandler<ProcessPayment>
{
    public ValueTask<CatgaResult> HandleAsync(ProcessPayment command, CancellationToken cancellationToken)
    {
        if (log.Poisoned.ContainsKey(command.PaymentId))
        {
            throw new InvalidOperationException($"card declined for {command.PaymentId}");
        }

        log.MarkHandled(command.PaymentId);
        return new(CatgaResult.Success());
    }
}

/// <summary>Wraps the real dead-letter store and signals each letter added, so tests await it instead of polling.</summary>
public sealed class SignalingDeadLetterStore(IDeadLetterStore inner) : IDeadLetterStore
{
    private readonly Channel<DeadLetter> _added = System.Threading.Channels.Channel.CreateUnbounded<DeadLetter>();

    public Task<DeadLetter> NextAddedAsync() => _added.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await inner.AddAsync(letter, cancellationToken);
        _added.Writer.TryWrite(letter);
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken) => inner.ListAsync(skip, take, cancellationToken);

    public ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

    public ValueTask<long> PurgeAsync(CancellationToken cancellationToken) => inner.PurgeAsync(cancellationToken);
}
