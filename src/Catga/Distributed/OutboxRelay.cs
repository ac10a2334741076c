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
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _backlog;

    public OutboxRelay(IOutboxStore outbox, IDistributedLock @lock, IMessageTransport transport, OutboxRelayOptions options, TimeProvider time, ILogger logger, Scheduling.IScheduleStore? schedules = null)
    {
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
            var run = new List<TransportMessage>(sending.Count);
            var relayedByDestination = new List<(string Destination, int Count)>();
            while (start < sending.Count)
            {
                string destination = sending[start].Destination;
                run.Clear();
                int end = start;
                while (end < sending.Count && sending[end].Destination == destination)
                {
                    run.Add(sending[end].Message);
                    end++;
                }

                await _transport.SendBatchAsync(destination, run, stopping).ConfigureAwait(false);
                relayedByDestination.Add((destination, run.Count));
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
