using Catga.Inbox;
using Catga.Outbox;

namespace Catga.Distributed;

/// <summary>
/// Turns the inbox calls of one consumer's concurrently running handler runs into batch calls: the engine starts the
/// handlers of a fetched batch together, so their claims reach the store as one
/// <see cref="IInboxStore.TryClaimBatchAsync"/> and their completions as one <see cref="IInboxStore.CompleteBatchAsync"/>
/// (one round trip each to a remote store) instead of one call per message. The store applies every claim and every
/// completion exactly as its single-message call would: each completion is atomic and fenced by its own claim token,
/// and one lost claim refuses only its own completion.
/// </summary>
/// <remarks>
/// No timer and no background loop: the first call finds no batch in flight and sends at once; calls made while a
/// batch is in flight wait for it and go together in the next one. A lone handler therefore pays nothing, and under
/// concurrency contention becomes batching (the same shape as a multiplexed connection).
/// </remarks>
internal sealed class InboxBatcher
{
    private readonly Coalescer<string, InboxClaim> _claims;
    private readonly Coalescer<InboxCompletion, bool> _completions;

    public InboxBatcher(IInboxStore inbox, TimeSpan lease, TimeSpan retention)
    {
        // The batch calls themselves are not cancellable by one caller: the other callers of the batch still wait for
        // them. A caller that gives up stops waiting (its claim expires after the lease, as if it had died).
        _claims = new(ids => inbox.TryClaimBatchAsync(ids, lease, CancellationToken.None));
        _completions = new(completions => inbox.CompleteBatchAsync(completions, retention, CancellationToken.None));
    }

    /// <summary>Claims messages waiting for the batch in flight (for tests).</summary>
    internal int PendingClaims => _claims.Pending;

    /// <summary>Completions waiting for the batch in flight (for tests).</summary>
    internal int PendingCompletions => _completions.Pending;

    /// <summary>Claims <paramref name="messageId"/> (see <see cref="IInboxStore.TryClaimAsync"/>).</summary>
    public Task<InboxClaim> TryClaimAsync(string messageId, CancellationToken cancellationToken)
        => _claims.CallAsync(messageId, cancellationToken);

    /// <summary>Completes one message (see <see cref="IInboxStore.CompleteAsync"/>).</summary>
    public Task<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
        => _completions.CallAsync(new InboxCompletion(messageId, claimToken, result, outbox), cancellationToken);

    /// <summary>Sends the requests that accumulate while a batch call is in flight as the next batch call.</summary>
    private sealed class Coalescer<TRequest, TResult>(Func<IReadOnlyList<TRequest>, ValueTask<IReadOnlyList<TResult>>> call)
    {
        private readonly object _gate = new();
        private List<TRequest> _requests = [];
        private List<TaskCompletionSource<TResult>> _waiters = [];
        private bool _sending;

        public int Pending
        {
            get
            {
                lock (_gate)
                {
                    return _requests.Count;
                }
            }
        }

        public Task<TResult> CallAsync(TRequest request, CancellationToken cancellationToken)
        {
            // Continuations run asynchronously: the sender completes a whole batch's waiters without running their
            // handlers' remaining work on its own stack.
            var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            bool send;
            lock (_gate)
            {
                _requests.Add(request);
                _waiters.Add(done);
                send = !_sending;
                _sending = true;
            }

            if (send)
            {
                _ = SendAsync();
            }

            return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
        }

        private async Task SendAsync()
        {
            while (true)
            {
                List<TRequest> requests;
                List<TaskCompletionSource<TResult>> waiters;
                lock (_gate)
                {
                    if (_requests.Count == 0)
                    {
                        _sending = false;
                        return;
                    }

                    requests = _requests;
                    waiters = _waiters;
                    _requests = [];
                    _waiters = [];
                }

                try
                {
                    var results = await call(requests).ConfigureAwait(false);
                    if (results.Count != requests.Count)
                    {
                        throw new InvalidOperationException($"The inbox store answered a batch of {requests.Count} with {results.Count} results.");
                    }

                    for (int i = 0; i < waiters.Count; i++)
                    {
                        waiters[i].TrySetResult(results[i]);
                    }
                }
                catch (Exception ex)
                {
                    // The store is unreachable (or broke its contract): every run of the batch fails as its single
                    // call would have, and its message is redelivered.
                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetException(ex);
                    }
                }
            }
        }
    }
}
