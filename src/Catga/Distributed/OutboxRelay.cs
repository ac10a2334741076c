using Catga.DeadLetters;
using Catga.Diagnostics;
using Catga.Locking;
using Catga.Outbox;
using Catga.Transport;
using Microsoft.Extensions.Logging;

namespace Catga.Distributed;

/// <summary>
/// Hands outbox messages to the transport, oldest first, on one node at a time: the node holding the lease lock reads
/// a batch with its fencing token, sends it (JetStream deduplicates by message id, so a batch sent twice after a crash
/// is stored once), and marks it dispatched with the same token. A node that lost the lease without noticing is
/// refused by the store. Runs until stopped; resumes after a crash because undispatched messages stay in the outbox.
/// An entry the transport refuses for good (larger than the destination accepts, or a destination it cannot address)
/// is dead-lettered with the reason and counts as dispatched, so it never holds up the entries behind it.
/// </summary>
internal sealed class OutboxRelay
{
    private readonly IOutboxStore _outbox;
    private readonly FencedLeaderLoop _leader;
    private readonly IMessageTransport _transport;
    private readonly OutboxRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Scheduling.IScheduleStore? _schedules;
    private readonly IDeadLetterStore? _deadLetters;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _backlog;

    // deadLetters: where entries the transport refuses for good go; without it such an entry is retried like any
    // failed send.
    public OutboxRelay(IOutboxStore outbox, IDistributedLock @lock, IMessageTransport transport, OutboxRelayOptions options, TimeProvider time, ILogger logger, Scheduling.IScheduleStore? schedules = null, IDeadLetterStore? deadLetters = null)
    {
        _deadLetters = deadLetters;
        _schedules = schedules;
        _outbox = outbox;
        _transport = transport;
        _options = options;
        _time = time;
        _logger = logger;
        _leader = new FencedLeaderLoop(@lock, options.LockName, options.LeaseTime, (what, token) => CatgaLog.RelayLease(logger, what, token), (retryMs, ex) => CatgaLog.RelayFailed(logger, retryMs, ex));
    }

    public bool IsLeader => _leader.IsLeader;

    public long Backlog => Interlocked.Read(ref _backlog);

    public long Relayed { get; private set; }

    /// <summary>Wakes the relay: something was just written to the outbox.</summary>
    public void Signal()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        CatgaInstrumentation.TrackRelay(this);
        try
        {
            await RunCoreAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            CatgaInstrumentation.UntrackRelay(this);
        }
    }

    private Task RunCoreAsync(CancellationToken stopping)
        => _leader.RunAsync(LeadAsync, WaitAsync, stopping);

    private async Task LeadAsync(ILockLease lease, CancellationToken stopping)
    {
        var renewal = new LeaseRenewal(lease, _options.LeaseTime, _time);
        long countAt = 0;
        while (!stopping.IsCancellationRequested)
        {
            long now = _time.GetTimestamp();
            if (!await renewal.RenewIfDueAsync(stopping).ConfigureAwait(false))
            {
                CatgaLog.RelayLease(_logger, "lost", lease.FencingToken);
                return;
            }

            if (now >= countAt)
            {
                Interlocked.Exchange(ref _backlog, await _outbox.CountPendingAsync(stopping).ConfigureAwait(false));
                countAt = now + Ticks(TimeSpan.FromSeconds(1));
            }

            var batch = await _outbox.ReadPendingAsync(_options.BatchSize, lease.FencingToken, stopping).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                Interlocked.Exchange(ref _backlog, 0);
                await WaitAsync(_options.PollInterval, stopping).ConfigureAwait(false);
                continue;
            }

            // Schedules made inside handlers go to the schedule store; the rest to the transport.
            var sending = await Scheduling.ScheduledOutbox.ApplyAsync(batch, _schedules, stopping).ConfigureAwait(false);

            // Runs of one destination go out as one pipelined batch, in outbox order.
            int start = 0;
            var ids = new List<string>(batch.Count);
            var run = new List<OutboxMessage>(sending.Count);
            var relayedByDestination = new List<(string Destination, int Count)>();
            while (start < sending.Count)
            {
                string destination = sending[start].Destination;
                run.Clear();
                int end = start;
                while (end < sending.Count && sending[end].Destination == destination)
                {
                    run.Add(sending[end]);
                    end++;
                }

                int sent = await SendRunAsync(destination, run, stopping).ConfigureAwait(false);
                relayedByDestination.Add((destination, sent));
                start = end;
            }

            foreach (var message in batch)
            {
                ids.Add(message.Id);
            }

            await _outbox.MarkDispatchedAsync(ids, lease.FencingToken, CancellationToken.None).ConfigureAwait(false);
            Relayed += batch.Count;
            foreach (var (relayedTo, count) in relayedByDestination)
            {
                CatgaInstrumentation.Relayed.Add(count, new KeyValuePair<string, object?>(MessagingTags.DestinationName, relayedTo));
            }

            relayedByDestination.Clear();
        }
    }

    /// <summary>Sends one run of entries to <paramref name="destination"/>. Entries the transport refuses for good are
    /// dead-lettered (checked before sending, and one by one when the run's send itself is refused for good); any
    /// other failure propagates and the whole batch is retried.</summary>
    /// <returns>How many entries of the run went to the transport (the others were dead-lettered).</returns>
    private async Task<int> SendRunAsync(string destination, List<OutboxMessage> run, CancellationToken stopping)
    {
        var messages = new List<TransportMessage>(run.Count);
        var sendable = new List<OutboxMessage>(run.Count);
        foreach (var entry in run)
        {
            try
            {
                await _transport.ValidateSendAsync(destination, entry.Message, stopping).ConfigureAwait(false);
                messages.Add(entry.Message);
                sendable.Add(entry);
            }
            catch (Exception ex) when (_deadLetters is not null && IsPermanent(ex))
            {
                await DeadLetterAsync(entry, ex, stopping).ConfigureAwait(false);
            }
        }

        if (messages.Count == 0)
        {
            return 0;
        }

        try
        {
            await _transport.SendBatchAsync(destination, messages, stopping).ConfigureAwait(false);
            return messages.Count;
        }
        catch (Exception ex) when (_deadLetters is not null && IsPermanent(ex) && messages.Count > 1)
        {
            // Refused for good, though each entry passed the check (the server's limit changed since): find the
            // culprits one by one. Entries sent twice this way are stored once (their message id deduplicates).
        }

        int sent = 0;
        foreach (var entry in sendable)
        {
            try
            {
                await _transport.SendAsync(destination, entry.Message, stopping).ConfigureAwait(false);
                sent++;
            }
            catch (Exception ex) when (IsPermanent(ex))
            {
                await DeadLetterAsync(entry, ex, stopping).ConfigureAwait(false);
            }
        }

        return sent;
    }

    /// <summary>Whether retrying the send can never succeed: the message is too large for its destination, or the
    /// transport cannot address the destination at all.</summary>
    private static bool IsPermanent(Exception ex) => ex is MessageTooLargeException or ArgumentException;

    private async Task DeadLetterAsync(OutboxMessage entry, Exception reason, CancellationToken stopping)
    {
        string code = reason is MessageTooLargeException ? CatgaErrorCodes.MessageTooLarge : CatgaErrorCodes.TransportFailed;
        var letter = new DeadLetter(entry.Id, entry.Destination, DeadLetterGroup, entry.Message, code, attempts: 1, _time.GetUtcNow())
        {
            ErrorMessage = reason.Message,
            ExceptionType = reason.GetType().FullName,
            ExceptionDetails = reason.ToString(),
        };

        // Written before the batch is marked dispatched: a crash in between relays the entry again, and the store
        // keeps one letter per id.
        await _deadLetters!.AddAsync(letter, stopping).ConfigureAwait(false);
        CatgaInstrumentation.DeadLettered.Add(1);
        CatgaLog.RelayDeadLettered(_logger, entry.Id, entry.Destination, code, reason.Message);
    }

    /// <summary>The group named on dead letters the relay writes: no consumer gave up on them, the relay did.</summary>
    internal const string DeadLetterGroup = "catga-outbox-relay";

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private async Task WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await _signal.WaitAsync(delay, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
