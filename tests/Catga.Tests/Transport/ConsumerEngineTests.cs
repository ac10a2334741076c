using System.Collections.Concurrent;
using System.Threading.Channels;
using Catga.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Transport;

/// <summary>The engine's semantics over a scripted source, where a test decides exactly what each fetch returns.</summary>
public sealed class ConsumerEngineTests
{
    [Fact]
    public async Task Graceful_stop_defers_messages_fetched_but_not_started_and_settles_the_running_one()
    {
        var source = new ScriptedSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int runs = 0;
        var engine = ConsumerEngine.Start(source, Subscription(maxConcurrency: 1), async (_, _) =>
        {
            Interlocked.Increment(ref runs);
            started.TrySetResult();
            await release.Task;
            return DeliveryOutcome.Ack;
        });

        // Asked for one message, the source hands over three: two wait for a slot that never frees before the stop.
        source.Push(Msg("a"), Msg("b"), Msg("c"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var stopping = engine.StopAsync(CancellationToken.None);
        await source.WaitForSettledAsync(2);
        Assert.Equal([("b", DeliveryOutcome.Defer(TimeSpan.Zero)), ("c", DeliveryOutcome.Defer(TimeSpan.Zero))], source.Settled);
        Assert.False(stopping.IsCompleted);

        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(("a", DeliveryOutcome.Ack), source.Settled[2]);
        Assert.Equal(1, runs);
        Assert.Equal(0, engine.InFlight);
        Assert.Equal([1], source.FetchSizes);
        await engine.DisposeAsync();
        Assert.True(source.Disposed);
    }

    [Fact]
    public async Task Handler_exception_settles_as_retry_without_delay()
    {
        var source = new ScriptedSource();
        await using var engine = ConsumerEngine.Start(source, Subscription(maxConcurrency: 1), (_, _) => throw new InvalidOperationException("boom"));
        source.Push(Msg("a"));
        await source.WaitForSettledAsync(1);
        Assert.Equal([("a", DeliveryOutcome.Retry(TimeSpan.Zero))], source.Settled);
    }

    [Fact]
    public async Task Fetch_asks_for_the_free_slots_capped_by_the_batch_size()
    {
        var source = new ScriptedSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = ConsumerEngine.Start(source, Subscription(maxConcurrency: 5, batchSize: 3), async (_, _) =>
        {
            await release.Task;
            return DeliveryOutcome.Ack;
        });
        await source.WaitForFetchesAsync(1);
        source.Push(Msg("a"), Msg("b"), Msg("c"));
        await source.WaitForFetchesAsync(2);
        source.Push(Msg("d"));
        await source.WaitForFetchesAsync(3);
        // 5 slots, batch size 3: ask 3; three run, ask the 2 left; one more runs, ask the last one.
        Assert.Equal([3, 2, 1], source.FetchSizes);
        Assert.Equal(4, engine.InFlight);
        release.SetResult();
        await source.WaitForSettledAsync(4);
    }

    [Fact]
    public async Task Failed_fetch_is_tried_again_after_a_backoff_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource { FailNextFetch = true };
        await using var engine = ConsumerEngine.Start(source, Subscription(maxConcurrency: 1), (_, _) => new(DeliveryOutcome.Ack), time);
        await source.WaitForFetchesAsync(1);
        await Task.Yield();
        Assert.Single(source.FetchSizes);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await source.WaitForFetchesAsync(2);
        source.Push(Msg("a"));
        await source.WaitForSettledAsync(1);
        Assert.Equal([("a", DeliveryOutcome.Ack)], source.Settled);
    }

    [Fact]
    public void Bad_subscription_is_rejected_with_what_is_wrong()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConsumerEngine.Start(new ScriptedSource(), Subscription(maxConcurrency: 0), (_, _) => new(DeliveryOutcome.Ack)));
        Assert.Contains("MaxConcurrency", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => ConsumerEngine.Start(new ScriptedSource(), new TransportSubscription("d", "g", SubscriptionMode.Competing) { AckTimeout = TimeSpan.Zero }, (_, _) => new(DeliveryOutcome.Ack)));
        Assert.Contains("AckTimeout", ex.Message, StringComparison.Ordinal);
    }

    private static TransportSubscription Subscription(int maxConcurrency, int batchSize = 64)
        => new("engine.test", "svc", SubscriptionMode.Competing) { MaxConcurrency = maxConcurrency, BatchSize = batchSize };

    private static IncomingMessage Msg(string id) => new ScriptedMessage(id);

    private sealed class ScriptedMessage(string id)
        : IncomingMessage("engine.test", new TransportMessage(new MessageHeaders().Set(MessageHeaderNames.MessageId, id), Array.Empty<byte>()), 1)
    {
        public override bool ExpectsReply => false;

        public override ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken) => throw new InvalidOperationException();
    }

    /// <summary>Each fetch returns the next batch the test pushed, however many the engine asked for.</summary>
    private sealed class ScriptedSource : IDeliverySource
    {
        private readonly Channel<IncomingMessage[]> _batches = Channel.CreateUnbounded<IncomingMessage[]>();
        private readonly ConcurrentQueue<int> _fetchSizes = new();
        private readonly ConcurrentQueue<(string, DeliveryOutcome)> _settled = new();
        private readonly SemaphoreSlim _fetched = new(0);
        private readonly SemaphoreSlim _settledSignal = new(0);

        public bool FailNextFetch { get; set; }

        public bool Disposed { get; private set; }

        public TransportCapabilities Capabilities => TransportCapabilities.Durable;

        public IReadOnlyList<int> FetchSizes => [.. _fetchSizes];

        public IReadOnlyList<(string Id, DeliveryOutcome Outcome)> Settled => [.. _settled];

        public void Push(params IncomingMessage[] batch) => _batches.Writer.TryWrite(batch);

        public async Task WaitForFetchesAsync(int count)
        {
            while (_fetchSizes.Count < count)
            {
                await _fetched.WaitAsync(TimeSpan.FromSeconds(20));
            }
        }

        public async Task WaitForSettledAsync(int count)
        {
            while (_settled.Count < count)
            {
                Assert.True(await _settledSignal.WaitAsync(TimeSpan.FromSeconds(20)), $"waited for {count} settlements, saw {_settled.Count}");
            }
        }

        public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
        {
            _fetchSizes.Enqueue(maxMessages);
            _fetched.Release();
            if (FailNextFetch)
            {
                FailNextFetch = false;
                throw new TransportException("the server is away");
            }

            return await _batches.Reader.ReadAsync(cancellationToken);
        }

        public ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
        {
            _settled.Enqueue((message.Message.MessageId!, outcome));
            _settledSignal.Release();
            return ValueTask.CompletedTask;
        }

        public ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => new((long?)null);

        public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => new((long?)null);

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
