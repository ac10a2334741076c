using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Catga.Transport.Conformance;

/// <summary>
/// The behaviour every <see cref="IMessageTransport"/> must show. A transport's test project subclasses this and
/// provides <see cref="ConnectAsync"/>: each call returns a new transport connected to the same server, like a second
/// process. Every test uses its own destinations, so tests do not see each other's messages. Subscriptions run on the
/// one <see cref="ConsumerEngine"/>, so these tests also pin the engine's semantics over each transport. Tests that
/// depend on a capability check the subscription's <see cref="IDeliverySource.Capabilities"/> and assert the weaker
/// contract when it is absent.
/// </summary>
public abstract class TransportConformance : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    /// <summary>Returns a new transport connected to the shared server.</summary>
    protected abstract ValueTask<IMessageTransport> ConnectAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        for (int i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    protected async Task<IMessageTransport> TransportAsync()
    {
        var transport = await ConnectAsync();
        _disposables.Add(transport);
        return transport;
    }

    /// <summary>Opens <paramref name="subscription"/> on <paramref name="transport"/> and runs it with the one consumer
    /// engine, as Catga's host does.</summary>
    protected async Task<ConsumerEngine> SubscribeAsync(IMessageTransport transport, TransportSubscription subscription, TransportMessageHandler handler, TimeProvider? time = null)
    {
        var source = await transport.OpenAsync(subscription, CancellationToken.None);
        var consumer = ConsumerEngine.Start(source, subscription, handler, time);
        _disposables.Add(consumer);
        return consumer;
    }

    /// <summary>Like <see cref="SubscribeAsync"/>, with the source wrapped in a <see cref="RecordingDeliverySource"/>
    /// so a test sees what the engine asked of the transport.</summary>
    protected async Task<(ConsumerEngine Consumer, RecordingDeliverySource Source)> SubscribeRecordedAsync(IMessageTransport transport, TransportSubscription subscription, TransportMessageHandler handler, TimeProvider? time = null)
    {
        var source = new RecordingDeliverySource(await transport.OpenAsync(subscription, CancellationToken.None));
        var consumer = ConsumerEngine.Start(source, subscription, handler, time);
        _disposables.Add(consumer);
        return (consumer, source);
    }

    /// <summary>Waits until every consumer has no lag, no delivered-and-unsettled message and no running handler, as
    /// the server counts them, twice in a row: after it nothing more arrives until something new is sent, so "exactly
    /// once" and "not redelivered" hold without waiting for a quiet period.</summary>
    protected static async Task SettledAsync(params ConsumerEngine[] consumers)
    {
        int quiet = 0;
        string last = "";
        await Eventually.TrueAsync(
            async () =>
            {
                var busy = new List<string>();
                foreach (var consumer in consumers)
                {
                    long lag = await consumer.GetLagAsync(CancellationToken.None) ?? 0;
                    long unsettled = await consumer.GetUnsettledAsync(CancellationToken.None) ?? 0;
                    if (lag > 0 || unsettled > 0 || consumer.InFlight > 0)
                    {
                        busy.Add($"{consumer.Subscription.Destination}/{consumer.Subscription.Group}: lag {lag}, unsettled {unsettled}, in flight {consumer.InFlight}");
                    }
                }

                last = string.Join("; ", busy);
                quiet = busy.Count == 0 ? quiet + 1 : 0;
                return quiet >= 2;
            },
            () => "the consumers to settle (" + last + ")");
    }

    protected static string NewDestination(string what) => $"conformance.{what}.{Guid.NewGuid():N}";

    protected static TransportMessage Message(int n, string? extraHeader = null)
    {
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString())
            .Set(MessageHeaderNames.MessageType, "Conformance.Message")
            .Set(MessageHeaderNames.ContentType, "application/octet-stream")
            .Set("x-n", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (extraHeader is not null)
        {
            headers.Set("x-extra", extraHeader);
        }

        // Every byte value, so a transport that treats bodies as text fails.
        var body = new byte[260];
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(i + n);
        }

        return new TransportMessage(headers, body);
    }

    protected static int N(TransportMessage message) => int.Parse(message.Headers["x-n"]!, System.Globalization.CultureInfo.InvariantCulture);

    private static TransportMessageHandler Recorder(Received received, DeliveryOutcome outcome = default)
        => (message, _) =>
        {
            received.Add(message);
            return new(outcome);
        };

    [Fact]
    public async Task Sent_message_arrives_with_headers_and_exact_body()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("send");
        var received = new Received();
        await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), Recorder(received));

        var sent = Message(7, extraHeader: "caf\u00e9 \u2603 value");
        sent.Headers.Set(MessageHeaderNames.TraceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        await transport.SendAsync(destination, sent, CancellationToken.None);

        await Eventually.TrueAsync(() => received.Count == 1, "one delivery");
        var got = received.Items[0];
        Assert.Equal(1, got.DeliveryCount);
        Assert.Equal(sent.Body.ToArray(), got.Message.Body.ToArray());
        foreach (var header in sent.Headers)
        {
            Assert.Equal(header.Value, got.Message.Headers[header.Key]);
        }
    }

    [Fact]
    public async Task Empty_body_and_large_body_arrive_intact()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("sizes");
        var received = new Received();
        await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), Recorder(received));

        var large = new byte[256 * 1024];
        new Random(42).NextBytes(large);
        await transport.SendAsync(destination, new TransportMessage(Message(1).Headers, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        await transport.SendAsync(destination, new TransportMessage(Message(2).Headers, large), CancellationToken.None);

        await Eventually.TrueAsync(() => received.Count == 2, "two deliveries");
        var byN = received.Items.ToDictionary(d => N(d.Message));
        Assert.Equal(0, byN[1].Message.Body.Length);
        Assert.Equal(large, byN[2].Message.Body.ToArray());
    }

    [Fact]
    public async Task Broadcast_reaches_every_group_and_each_group_once()
    {
        var a = await TransportAsync();
        var b = await TransportAsync();
        string destination = NewDestination("broadcast");
        var groupA = new Received();
        var groupB = new Received();
        var billing = await SubscribeAsync(a, new TransportSubscription(destination, "billing", SubscriptionMode.Broadcast), Recorder(groupA));
        var shipping = await SubscribeAsync(b, new TransportSubscription(destination, "shipping", SubscriptionMode.Broadcast), Recorder(groupB));

        for (int i = 0; i < 50; i++)
        {
            await a.SendAsync(destination, Message(i), CancellationToken.None);
        }

        await Eventually.TrueAsync(() => groupA.Count >= 50 && groupB.Count >= 50, "50 deliveries per group");
        await SettledAsync(billing, shipping);
        Assert.Equal(Enumerable.Range(0, 50), groupA.Items.Select(d => N(d.Message)).Order());
        Assert.Equal(Enumerable.Range(0, 50), groupB.Items.Select(d => N(d.Message)).Order());
    }

    [Fact]
    public async Task Competing_consumers_share_the_messages_of_one_group()
    {
        var a = await TransportAsync();
        var b = await TransportAsync();
        string destination = NewDestination("competing");
        var first = new Received();
        var second = new Received();
        var subscription = new TransportSubscription(destination, "workers", SubscriptionMode.Competing) { BatchSize = 4 };
        TransportMessageHandler Slow(Received received) => async (message, ct) =>
        {
            received.Add(message);
            await Task.Delay(5, ct);
            return DeliveryOutcome.Ack;
        };
        var one = await SubscribeAsync(a, subscription, Slow(first));
        var two = await SubscribeAsync(b, subscription, Slow(second));

        const int count = 200;
        var batch = Enumerable.Range(0, count).Select(i => Message(i)).ToList();
        await a.SendBatchAsync(destination, batch, CancellationToken.None);

        await Eventually.TrueAsync(() => first.Count + second.Count >= count, $"{count} deliveries");
        await SettledAsync(one, two);
        var all = first.Items.Concat(second.Items).Select(d => N(d.Message)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, count), all);
        Assert.True(first.Count > 0 && second.Count > 0, $"both consumers should get work (got {first.Count} and {second.Count})");
    }

    [Fact]
    public async Task Request_gets_the_reply_of_one_consumer()
    {
        var server = await TransportAsync();
        var client = await TransportAsync();
        string destination = NewDestination("request");
        int calls = 0;
        TransportMessageHandler responder = async (message, ct) =>
        {
            Interlocked.Increment(ref calls);
            Assert.True(message.ExpectsReply);
            var reply = new MessageHeaders().Set(MessageHeaderNames.ReplyStatus, "ok").Set("x-n", message.Message.Headers["x-n"]!);
            await message.ReplyAsync(new TransportMessage(reply, message.Message.Body.ToArray().Reverse().ToArray()), ct);
            return DeliveryOutcome.Ack;
        };
        await SubscribeAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), responder);
        await SubscribeAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), responder);

        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            var request = Message(i);
            var reply = await client.RequestAsync(destination, request, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal("ok", reply.Headers[MessageHeaderNames.ReplyStatus]);
            Assert.Equal(i, N(reply));
            Assert.Equal(request.Body.ToArray().Reverse().ToArray(), reply.Body.ToArray());
        });
        await Task.WhenAll(tasks);
        Assert.Equal(20, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Request_without_consumer_fails_by_the_timeout()
    {
        var client = await TransportAsync();
        var timeout = TimeSpan.FromMilliseconds(500);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAnyAsync<TransportException>(
            async () => await client.RequestAsync(NewDestination("nobody"), Message(1), timeout, CancellationToken.None));
        watch.Stop();
        Assert.True(ex is TransportNoRespondersException or TransportTimeoutException, ex.GetType().Name);
        Assert.True(watch.Elapsed < timeout + TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains("nobody", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_to_a_silent_consumer_times_out()
    {
        var server = await TransportAsync();
        var client = await TransportAsync();
        string destination = NewDestination("silent");
        await SubscribeAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), (_, _) => new(DeliveryOutcome.Ack));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TransportTimeoutException>(
            async () => await client.RequestAsync(destination, Message(1), TimeSpan.FromMilliseconds(400), CancellationToken.None));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(350), $"gave up early after {watch.Elapsed}");
    }

    [Fact]
    public async Task Request_is_cancellable()
    {
        var server = await TransportAsync();
        var client = await TransportAsync();
        string destination = NewDestination("cancel");
        await SubscribeAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), (_, _) => new(DeliveryOutcome.Ack));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await client.RequestAsync(destination, Message(1), TimeSpan.FromSeconds(30), cts.Token));
    }

    [Fact]
    public async Task Failed_message_is_redelivered_with_a_higher_delivery_count()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("redeliver");
        var received = new Received();
        TransportMessageHandler handler = (message, _) =>
        {
            received.Add(message);
            return message.DeliveryCount switch
            {
                1 => new(DeliveryOutcome.Retry(TimeSpan.Zero)),
                2 => throw new InvalidOperationException("a handler that throws is retried too"),
                _ => new(DeliveryOutcome.Ack),
            };
        };
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(2) }, handler);
        await transport.SendAsync(destination, Message(1), CancellationToken.None);

        if (!consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            await Eventually.TrueAsync(() => received.Count >= 1, "the delivery");
            await SettledAsync(consumer);
            Assert.Equal(1, received.Count);
            return;
        }

        await Eventually.TrueAsync(() => received.Count >= 3, "three deliveries");
        await SettledAsync(consumer);
        Assert.Equal([1, 2, 3], received.Items.Select(d => d.DeliveryCount));
        Assert.All(received.Items, d => Assert.Equal(received.Items[0].Id, d.Id));
    }

    [Fact]
    public async Task Retry_delay_is_honoured()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("delay");
        var received = new Received();
        TransportMessageHandler handler = (message, _) =>
        {
            received.Add(message);
            return new(message.DeliveryCount == 1 ? DeliveryOutcome.Retry(TimeSpan.FromMilliseconds(700)) : DeliveryOutcome.Ack);
        };
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), handler);
        await transport.SendAsync(destination, Message(1), CancellationToken.None);

        if (!consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            // At most once: the retry cannot come back.
            await Eventually.TrueAsync(() => received.Count >= 1, "the delivery");
            await SettledAsync(consumer);
            Assert.Equal(1, received.Count);
            return;
        }

        await Eventually.TrueAsync(() => received.Count >= 2, "the redelivery");
        var gap = received.Items[1].At - received.Items[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(600), $"redelivered after {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Rejected_message_is_not_redelivered()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("reject");
        var received = new Received();
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) }, Recorder(received, DeliveryOutcome.Reject));
        await transport.SendAsync(destination, Message(1), CancellationToken.None);
        await Eventually.TrueAsync(() => received.Count == 1, "the delivery");
        // Settled by the server's count: a reject that left the message pending would show until its redelivery.
        await SettledAsync(consumer);
        Assert.Equal(1, received.Count);
    }

    [Fact]
    public async Task Acknowledged_message_is_not_redelivered_to_a_new_consumer()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("acked");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) };
        var first = new Received();
        var consumer = await SubscribeAsync(transport, subscription, Recorder(first));
        await transport.SendAsync(destination, Message(1), CancellationToken.None);
        await Eventually.TrueAsync(() => first.Count == 1, "the delivery");
        await consumer.StopAsync(CancellationToken.None);

        var second = new Received();
        var next = await SubscribeAsync(await TransportAsync(), subscription, Recorder(second));
        await transport.SendAsync(destination, Message(2), CancellationToken.None);
        await Eventually.TrueAsync(() => second.Count >= 1, "the second message");
        await SettledAsync(next);
        Assert.Equal([2], second.Items.Select(d => N(d.Message)));
    }

    [Fact]
    public async Task One_consumer_with_concurrency_one_sees_the_order_sent()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("order");
        var received = new Received();
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), Recorder(received));
        const int count = 300;
        for (int i = 0; i < count; i += 50)
        {
            await transport.SendBatchAsync(destination, Enumerable.Range(i, 50).Select(n => Message(n)).ToList(), CancellationToken.None);
        }

        await Eventually.TrueAsync(() => received.Count >= count, $"{count} deliveries");
        var order = received.Items.Select(d => N(d.Message)).ToList();
        if (consumer.Capabilities.HasFlag(TransportCapabilities.OrderedPerDestination))
        {
            Assert.Equal(Enumerable.Range(0, count), order);
        }
        else
        {
            Assert.Equal(Enumerable.Range(0, count), order.Order());
        }
    }

    [Fact]
    public async Task Concurrency_limit_is_respected()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("concurrency");
        int running = 0, peak = 0, done = 0;
        TransportMessageHandler handler = async (_, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            await Task.Delay(20, ct);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
            return DeliveryOutcome.Ack;
        };
        await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 4, BatchSize = 16 }, handler);
        await transport.SendBatchAsync(destination, Enumerable.Range(0, 40).Select(n => Message(n)).ToList(), CancellationToken.None);
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == 40, "40 handled");
        Assert.InRange(Volatile.Read(ref peak), 2, 4);
    }

    [Fact]
    public async Task Graceful_stop_finishes_in_flight_messages_and_loses_none()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("shutdown");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 2, BatchSize = 8, AckTimeout = TimeSpan.FromSeconds(2) };
        var completedByFirst = new ConcurrentBag<int>();
        var startedByFirst = new ConcurrentBag<int>();
        TransportMessageHandler slow = async (message, _) =>
        {
            startedByFirst.Add(N(message.Message));
            await Task.Delay(150, CancellationToken.None);
            completedByFirst.Add(N(message.Message));
            return DeliveryOutcome.Ack;
        };
        var first = await SubscribeAsync(transport, subscription, slow);
        const int count = 30;
        await transport.SendBatchAsync(destination, Enumerable.Range(0, count).Select(n => Message(n)).ToList(), CancellationToken.None);
        await Eventually.TrueAsync(() => !startedByFirst.IsEmpty, "the first consumer to start");
        await first.StopAsync(CancellationToken.None);
        Assert.Equal(0, first.InFlight);
        Assert.Equal(startedByFirst.Order(), completedByFirst.Order());

        if (!first.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            return;
        }

        var second = new Received();
        var successor = await SubscribeAsync(await TransportAsync(), subscription, Recorder(second));
        await Eventually.TrueAsync(
            () => completedByFirst.Count + second.Items.Select(d => N(d.Message)).Distinct().Count() >= count,
            "every message handled by one of the consumers");
        await SettledAsync(successor);
        var bySecond = second.Items.Select(d => N(d.Message)).ToHashSet();
        Assert.Empty(bySecond.Intersect(completedByFirst));
        Assert.Equal(Enumerable.Range(0, count), bySecond.Concat(completedByFirst).Order());
    }

    [Fact]
    public async Task Engine_fetches_only_as_many_messages_as_it_has_free_slots()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("fetchsize");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        TransportMessageHandler blocked = async (_, _) =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
            return DeliveryOutcome.Ack;
        };
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 2, BatchSize = 64 };
        var (consumer, source) = await SubscribeRecordedAsync(transport, subscription, blocked);
        await transport.SendBatchAsync(destination, Enumerable.Range(0, 10).Select(n => Message(n)).ToList(), CancellationToken.None);

        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 2, "both slots busy");
        Assert.Equal(2, consumer.InFlight);
        Assert.All(source.FetchSizes, size => Assert.InRange(size, 1, 2));
        if (consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            // Nothing beyond the two running messages left the server's queue.
            Assert.Equal(8, await consumer.GetLagAsync(CancellationToken.None) ?? 8);
        }

        release.SetResult();
        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 10, "every message handled");
        Assert.All(source.FetchSizes, size => Assert.InRange(size, 1, 2));
    }

    [Fact]
    public async Task Deferred_message_is_redelivered_without_costing_an_attempt()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("defer");
        var received = new Received();
        int calls = 0;
        TransportMessageHandler handler = (message, _) =>
        {
            received.Add(message);
            return new(Interlocked.Increment(ref calls) switch
            {
                1 or 2 => DeliveryOutcome.Defer(TimeSpan.Zero),
                3 => DeliveryOutcome.Retry(TimeSpan.Zero),
                _ => DeliveryOutcome.Ack,
            });
        };
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), handler);
        if (!consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            return;
        }

        await transport.SendAsync(destination, Message(1), CancellationToken.None);
        await Eventually.TrueAsync(() => received.Count >= 4, "four deliveries");
        // Two deferrals cost nothing; the retry is the first counted attempt.
        Assert.Equal([1, 1, 1, 2], received.Items.Select(d => d.DeliveryCount));
    }

    [Fact]
    public async Task Abort_cancels_running_handlers_and_their_messages_are_redelivered_not_acknowledged()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("abort");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 2, AckTimeout = TimeSpan.FromSeconds(10) }; // redelivery here comes from the deferral, not the ack wait: a long ack wait keeps a late heartbeat under load from redelivering early
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int cancelled = 0, started = 0;
        TransportMessageHandler stuck = async (_, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                running.SetResult();
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
            }

            // Claims success after being cancelled: the engine must not believe it.
            return DeliveryOutcome.Ack;
        };
        var (first, source) = await SubscribeRecordedAsync(transport, subscription, stuck);
        await transport.SendBatchAsync(destination, [Message(1), Message(2)], CancellationToken.None);
        await running.Task.WaitAsync(Eventually.DefaultTimeout);

        using var abort = new CancellationTokenSource();
        abort.Cancel();
        await first.StopAsync(abort.Token);
        Assert.Equal(2, Volatile.Read(ref cancelled));
        Assert.Equal(0, first.InFlight);
        Assert.True(source.Settled.Count == 2, "settled: " + string.Join(", ", source.Settled) + "; fetches: " + string.Join(", ", source.FetchSizes));
        Assert.All(source.Settled, s => Assert.Equal(DeliveryOutcome.Defer(TimeSpan.Zero), s.Outcome));
        if (!first.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            return;
        }

        var second = new Received();
        await SubscribeAsync(await TransportAsync(), subscription, Recorder(second));
        await Eventually.TrueAsync(() => second.Count >= 2, "both aborted messages redelivered");
        Assert.Equal([1, 2], second.Items.Select(d => N(d.Message)).Order());
        Assert.All(second.Items, d => Assert.Equal(1, d.DeliveryCount));
    }

    [Fact]
    public async Task Running_handler_has_its_message_extended_every_third_of_the_ack_timeout()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("extend");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(30) };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TransportMessageHandler slow = async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return DeliveryOutcome.Ack;
        };
        var (consumer, source) = await SubscribeRecordedAsync(transport, subscription, slow, time);
        var sent = Message(1);
        await transport.SendAsync(destination, sent, CancellationToken.None);
        await started.Task.WaitAsync(Eventually.DefaultTimeout);

        Assert.Empty(source.Extended);
        for (int tick = 1; tick <= 3; tick++)
        {
            var next = source.NextExtension;
            time.Advance(TimeSpan.FromSeconds(10));
            await next.WaitAsync(Eventually.DefaultTimeout);
            Assert.Equal(tick, source.Extended.Count);
        }

        Assert.All(source.Extended, id => Assert.Equal(sent.MessageId, id));
        release.SetResult();
        await consumer.StopAsync(CancellationToken.None);
        Assert.Equal([(sent.MessageId, DeliveryOutcome.Ack)], source.Settled);
    }

    [Fact]
    public async Task Messages_sent_while_the_group_is_stopped_wait_for_it()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("offline");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing);
        var first = new Received();
        var consumer = await SubscribeAsync(transport, subscription, Recorder(first));

        // The group has been consuming (its fetches are running) when it stops.
        await transport.SendAsync(destination, Message(-1), CancellationToken.None);
        await Eventually.TrueAsync(() => first.Count == 1, "the message before the stop");
        await consumer.StopAsync(CancellationToken.None);
        if (!consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            return;
        }

        await transport.SendBatchAsync(destination, Enumerable.Range(0, 10).Select(n => Message(n)).ToList(), CancellationToken.None);
        var received = new Received();
        await SubscribeAsync(await TransportAsync(), subscription, Recorder(received));

        // Well within the ack timeout: a stopped consumer must not have taken them (they would wait out its ack wait).
        await Eventually.TrueAsync(() => received.Count >= 10, "the ten waiting messages", subscription.AckTimeout / 3);
        Assert.Equal(Enumerable.Range(0, 10), received.Items.Select(d => N(d.Message)).Order());
        Assert.Equal([-1], first.Items.Select(d => N(d.Message)));
    }

    [Fact]
    public async Task Consumer_lag_counts_messages_not_yet_delivered()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("lag");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TransportMessageHandler blocked = async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
            return DeliveryOutcome.Ack;
        };
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { BatchSize = 1 }, blocked);
        Assert.Equal(0, await consumer.GetLagAsync(CancellationToken.None) ?? 0);
        await transport.SendBatchAsync(destination, Enumerable.Range(0, 10).Select(n => Message(n)).ToList(), CancellationToken.None);
        await started.Task.WaitAsync(Eventually.DefaultTimeout);

        long? lag = await consumer.GetLagAsync(CancellationToken.None);
        if (consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            // One message is with the blocked handler (and at most one more prefetched); the rest wait.
            Assert.NotNull(lag);
            Assert.InRange(lag.Value, 8, 10);
        }

        release.SetResult();
        await Eventually.TrueAsync(() => (consumer.GetLagAsync(CancellationToken.None).AsTask().Result ?? 0) == 0, "the lag to drain");
    }

    [Fact]
    public async Task Unsettled_count_covers_a_running_handler_and_a_delayed_retry_until_the_message_is_acknowledged()
    {
        var transport = await TransportAsync();
        string destination = NewDestination("unsettled");
        var firstRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allowSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int runs = 0;
        TransportMessageHandler handler = async (_, _) =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                firstRun.SetResult();
                await release.Task;
                return DeliveryOutcome.Retry(TimeSpan.FromSeconds(1));
            }

            secondRun.TrySetResult();
            await allowSecond.Task;
            return DeliveryOutcome.Ack;
        };
        var consumer = await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { BatchSize = 1 }, handler);
        if (!consumer.Capabilities.HasFlag(TransportCapabilities.Durable))
        {
            // At-most-once: nothing is kept, so there is nothing to count.
            Assert.Null(await consumer.GetUnsettledAsync(CancellationToken.None));
            return;
        }

        Assert.Equal(0, await consumer.GetUnsettledAsync(CancellationToken.None));
        await transport.SendAsync(destination, Message(1), CancellationToken.None);
        await firstRun.Task.WaitAsync(Eventually.DefaultTimeout);

        // With the handler: delivered, not settled.
        Assert.Equal(1, await consumer.GetUnsettledAsync(CancellationToken.None));
        release.SetResult();

        // Waiting for its delayed redelivery, or already back with the handler: still unsettled either way, never zero.
        await Eventually.TrueAsync(() => consumer.InFlight == 0 || secondRun.Task.IsCompleted, "the first run to settle");
        Assert.Equal(1, await consumer.GetUnsettledAsync(CancellationToken.None));
        await secondRun.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(1, await consumer.GetUnsettledAsync(CancellationToken.None));
        allowSecond.SetResult();

        await Eventually.TrueAsync(() => consumer.GetUnsettledAsync(CancellationToken.None).AsTask().Result == 0, "the acknowledgement");
        Assert.Equal(0, await consumer.GetLagAsync(CancellationToken.None) ?? 0);
        Assert.Equal(2, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_with_the_parameter_name()
    {
        var transport = await TransportAsync();
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await transport.SendAsync("", Message(1), CancellationToken.None));
        Assert.Equal("destination", ex.ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await transport.SendAsync("x", null!, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await transport.RequestAsync("x", Message(1), TimeSpan.Zero, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => new MessageHeaders().Set("bad name", "v"));
        Assert.Throws<ArgumentException>(() => new MessageHeaders().Set("name", "line\r\nbreak"));
    }

    [Fact]
    public async Task Healthy_transport_reports_no_problem()
    {
        var transport = await TransportAsync();
        Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        Assert.False(string.IsNullOrWhiteSpace(transport.Name));
    }
}
