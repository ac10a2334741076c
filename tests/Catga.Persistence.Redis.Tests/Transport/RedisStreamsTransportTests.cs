using System.Collections.Concurrent;
using System.Diagnostics;
using Catga.Persistence.Redis.Transport;
using Catga.Redis;
using Catga.Transport;
using Catga.Transport.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>Behaviour specific to Redis Streams, against a real redis-server.</summary>
public sealed class RedisStreamsTransportTests(StreamsRedisFixture fixture) : IClassFixture<StreamsRedisFixture>, IAsyncLifetime
{
    private readonly StreamsTransports _transports = new(fixture.Server);
    private readonly List<ITransportConsumer> _consumers = [];
    private RedisClient _raw = null!;

    public async Task InitializeAsync() => _raw = await fixture.Server.ConnectAsync();

    public async Task DisposeAsync()
    {
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync();
        }

        await _transports.DisposeAsync();
        await _raw.DisposeAsync();
    }

    private static string NewDestination(string what) => $"redis.{what}.{Guid.NewGuid():N}";

    private static TransportMessage Message(int n)
    {
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, Guid.NewGuid().ToString("N"))
            .Set("x-n", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new TransportMessage(headers, new byte[] { 0, 1, 2, (byte)n });
    }

    private static int N(TransportMessage message) => int.Parse(message.Headers["x-n"]!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ITransportConsumer> SubscribeAsync(IMessageTransport transport, TransportSubscription subscription, TransportMessageHandler handler)
    {
        var consumer = await ((RedisStreamsTransport)transport).SubscribeAsync(subscription, handler, CancellationToken.None);
        _consumers.Add(consumer);
        return consumer;
    }

    [Fact]
    public async Task A_consumer_that_dies_without_acking_has_its_message_reclaimed_by_another_with_delivery_count_2()
    {
        string destination = NewDestination("dies");
        var deadClient = await fixture.Server.ConnectAsync();
        var dying = new RedisStreamsTransport(deadClient, new RedisStreamsTransportOptions { KeyPrefix = "test:" });
        var gotByDying = new TaskCompletionSource<IncomingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverReturns = new TaskCompletionSource<DeliveryOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The dying consumer's own ack timeout is long, so only the survivor (1 s) reclaims.
        await dying.SubscribeAsync(
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromMinutes(5) },
            (message, _) =>
            {
                gotByDying.TrySetResult(message);
                return new(neverReturns.Task);
            },
            CancellationToken.None);
        var sender = await _transports.ConnectAsync();
        var sent = Message(1);
        await sender.SendAsync(destination, sent, CancellationToken.None);
        var first = await gotByDying.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, first.DeliveryCount);

        // The process dies: its connection goes away, nothing is acknowledged.
        await deadClient.DisposeAsync();

        var survivor = await _transports.ConnectAsync();
        var received = new Received();
        await SubscribeAsync(
            survivor,
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) },
            (message, _) =>
            {
                received.Add(message);
                return new(DeliveryOutcome.Ack);
            });

        await Eventually.TrueAsync(() => received.Count >= 1, "the reclaimed message");
        var got = received.Items[0];
        Assert.Equal(sent.MessageId, got.Id);
        Assert.Equal(2, got.DeliveryCount);
        Assert.Equal(sent.Body.ToArray(), got.Message.Body.ToArray());
        await StreamsEventually.TrueAsync(
            async () => (await _raw.StreamPendingAsync(survivor.GetStreamKey(destination), "svc")).Count == 0,
            "the reclaimed message acknowledged");
        neverReturns.TrySetResult(DeliveryOutcome.Ack);
        await dying.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_entries_are_delivered_with_what_they_have_and_settled_once()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("malformed");
        var received = new Received();
        await SubscribeAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) }, (message, _) =>
        {
            received.Add(message);

            // What Catga's runtime does with a body it cannot read: dead-letter, then reject.
            return new(message.Message.Body.IsEmpty ? DeliveryOutcome.Reject : DeliveryOutcome.Ack);
        });
        string key = transport.GetStreamKey(destination);

        // No body, no headers, only a field the transport does not know.
        await _raw.StreamAddAsync(key, [new("garbage", "x")]);

        // A header name Catga would refuse, a header value with a line break, an unreadable delivery count.
        await _raw.StreamAddAsync(key, [new("h:bad name", "v"), new("h:broken", "a\r\nb"), new("h:x-n", "2"), new("catga-delivery", "many"), new("body", new byte[] { 9, 0, 9 })]);

        await Eventually.TrueAsync(() => received.Count >= 2, "both entries delivered");
        await Task.Delay(2000);
        var items = received.Items;
        Assert.Equal(2, items.Count);
        Assert.Equal(0, items[0].Message.Body.Length);
        Assert.Equal(0, items[0].Message.Headers.Count);
        Assert.Equal(1, items[0].DeliveryCount);
        Assert.Equal([9, 0, 9], items[1].Message.Body.ToArray());
        Assert.Equal("2", items[1].Message.Headers["x-n"]);
        Assert.Null(items[1].Message.Headers["broken"]);
        Assert.Equal(1, items[1].Message.Headers.Count);
        Assert.Equal(1, items[1].DeliveryCount);
        Assert.Equal(0, (await _raw.StreamPendingAsync(key, "svc")).Count);
    }

    [Fact]
    public async Task Concurrent_movers_of_delayed_retries_neither_lose_nor_duplicate()
    {
        string destination = NewDestination("movers");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 4, BatchWait = TimeSpan.FromMilliseconds(20) };
        var redelivered = new ConcurrentDictionary<int, int>();
        var firsts = new ConcurrentDictionary<int, int>();
        TransportMessageHandler handler = (message, _) =>
        {
            int n = N(message.Message);
            if (message.DeliveryCount == 1)
            {
                firsts.AddOrUpdate(n, 1, (_, c) => c + 1);
                return new(DeliveryOutcome.Retry(TimeSpan.FromMilliseconds(300)));
            }

            redelivered.AddOrUpdate(n, 1, (_, c) => c + 1);
            Assert.Equal(2, message.DeliveryCount);
            return new(DeliveryOutcome.Ack);
        };

        // Two processes, each moving due retries every 5 ms: the movers run into each other constantly.
        var a = await _transports.ConnectAsync(o => o.DelayedRetryPollInterval = TimeSpan.FromMilliseconds(5));
        var b = await _transports.ConnectAsync(o => o.DelayedRetryPollInterval = TimeSpan.FromMilliseconds(5));
        await SubscribeAsync(a, subscription, handler);
        await SubscribeAsync(b, subscription, handler);
        const int count = 300;
        await a.SendBatchAsync(destination, Enumerable.Range(0, count).Select(Message).ToList(), CancellationToken.None);

        await Eventually.TrueAsync(() => redelivered.Count >= count, $"{count} redeliveries");
        await Task.Delay(1000);
        Assert.Equal(Enumerable.Range(0, count), firsts.Keys.Order());
        Assert.All(firsts.Values, c => Assert.Equal(1, c));
        Assert.Equal(Enumerable.Range(0, count), redelivered.Keys.Order());
        Assert.All(redelivered.Values, c => Assert.Equal(1, c));
        Assert.Equal(0, (await _raw.ExecuteAsync("ZCARD", a.GetDelayedKey(destination, "svc"))).AsInt64());
        Assert.Equal(0, (await _raw.StreamPendingAsync(a.GetStreamKey(destination), "svc")).Count);
        Assert.Equal(0, (await _raw.StreamPendingAsync(a.GetRetryKey(destination, "svc"), "svc")).Count);
    }

    [Fact]
    public async Task A_retry_in_one_broadcast_group_is_not_seen_by_another_group()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("isolated");
        var billing = new Received();
        var shipping = new Received();
        await SubscribeAsync(transport, new TransportSubscription(destination, "billing", SubscriptionMode.Broadcast), (message, _) =>
        {
            billing.Add(message);
            return new(message.DeliveryCount < 3 ? DeliveryOutcome.Retry(TimeSpan.FromMilliseconds(message.DeliveryCount == 1 ? 0 : 100)) : DeliveryOutcome.Ack);
        });
        await SubscribeAsync(transport, new TransportSubscription(destination, "shipping", SubscriptionMode.Broadcast), (message, _) =>
        {
            shipping.Add(message);
            return new(DeliveryOutcome.Ack);
        });
        await transport.SendAsync(destination, Message(1), CancellationToken.None);

        await Eventually.TrueAsync(() => billing.Count >= 3, "three deliveries to billing");
        await Task.Delay(500);
        Assert.Equal([1, 2, 3], billing.Items.Select(d => d.DeliveryCount));
        Assert.Equal([1], shipping.Items.Select(d => d.DeliveryCount));
    }

    [Fact]
    public async Task Graceful_stop_returns_unstarted_entries_at_once_not_after_the_ack_timeout()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("release");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { BatchSize = 20, AckTimeout = TimeSpan.FromMinutes(5) };
        var started = new ConcurrentBag<int>();
        var first = await SubscribeAsync(transport, subscription, async (message, _) =>
        {
            started.Add(N(message.Message));
            await Task.Delay(100, CancellationToken.None);
            return DeliveryOutcome.Ack;
        });
        await transport.SendBatchAsync(destination, Enumerable.Range(0, 20).Select(Message).ToList(), CancellationToken.None);
        await Eventually.TrueAsync(() => !started.IsEmpty, "the first handler to start");
        await first.StopAsync(CancellationToken.None);
        int handledByFirst = started.Count;
        Assert.InRange(handledByFirst, 1, 19);

        var watch = Stopwatch.StartNew();
        var second = new Received();
        await SubscribeAsync(await _transports.ConnectAsync(), subscription, (message, _) =>
        {
            second.Add(message);
            return new(DeliveryOutcome.Ack);
        });
        await Eventually.TrueAsync(() => second.Count >= 20 - handledByFirst, "the returned entries", TimeSpan.FromSeconds(10));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(Enumerable.Range(0, 20), second.Items.Select(d => N(d.Message)).Concat(started).Order());
        Assert.All(second.Items, d => Assert.Equal(1, d.DeliveryCount));

        // The stopped consumer left the group; only the placeholder and the live consumer remain.
        var consumers = await _raw.ExecuteAsync("XINFO", "CONSUMERS", transport.GetStreamKey(destination), "svc");
        Assert.Equal(2, consumers.Count);
    }

    [Fact]
    public async Task Idle_consumers_with_nothing_pending_are_removed_and_others_kept()
    {
        var transport = await _transports.ConnectAsync(o => o.IdleConsumerTimeout = TimeSpan.FromMilliseconds(300));
        string destination = NewDestination("prune");
        string key = transport.GetStreamKey(destination);
        await _raw.StreamCreateGroupAsync(key, "svc", "$");

        // A consumer that handled its entry and died (nothing pending), and one that died holding an entry.
        await _raw.StreamAddAsync(key, [new("body", new byte[] { 1 })]);
        var handled = Assert.Single(await _raw.StreamReadGroupAsync(key, "svc", "ghost", count: 1));
        await _raw.StreamAcknowledgeAsync(key, "svc", [handled.Id]);
        await _raw.StreamAddAsync(key, [new("body", new byte[] { 2 })]);
        Assert.Single(await _raw.StreamReadGroupAsync(key, "svc", "holder", count: 1));
        Assert.Equal(["ghost", "holder"], (await ConsumerNamesAsync(key, "svc")).Order());

        var received = new Received();
        await SubscribeAsync(
            transport,
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromMinutes(5) },
            (message, _) =>
            {
                received.Add(message);
                return new(DeliveryOutcome.Ack);
            });

        await StreamsEventually.TrueAsync(async () => !(await ConsumerNamesAsync(key, "svc")).Contains("ghost"), "the ghost consumer removed");
        Assert.Contains("holder", await ConsumerNamesAsync(key, "svc"));

        // Pruning never gets in the way of the live consumer.
        await transport.SendAsync(destination, Message(3), CancellationToken.None);
        await Task.Delay(700);
        await transport.SendAsync(destination, Message(4), CancellationToken.None);
        await Eventually.TrueAsync(() => received.Count >= 2, "both messages to the live consumer");
        Assert.Equal([3, 4], received.Items.Select(d => N(d.Message)));
        Assert.Equal(1, (await _raw.StreamPendingAsync(key, "svc")).Count);
    }

    private async Task<List<string>> ConsumerNamesAsync(string key, string group)
    {
        var reply = await _raw.ExecuteAsync("XINFO", "CONSUMERS", key, group);
        var names = new List<string>();
        foreach (var consumer in reply.Elements)
        {
            for (int i = 0; i + 1 < consumer.Count; i += 2)
            {
                if (consumer[i].ToString() == "name")
                {
                    names.Add(consumer[i + 1].ToString());
                }
            }
        }

        return names;
    }

    [Fact]
    public async Task Stop_with_a_cancelled_token_leaves_the_running_message_for_redelivery_with_its_count()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("abort");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromMinutes(5) };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await SubscribeAsync(transport, subscription, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return DeliveryOutcome.Ack;
        });
        var sent = Message(1);
        await transport.SendAsync(destination, sent, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await first.StopAsync(cts.Token);
        }

        Assert.Equal(0, first.InFlight);
        var received = new Received();
        await SubscribeAsync(await _transports.ConnectAsync(), subscription, (message, _) =>
        {
            received.Add(message);
            return new(DeliveryOutcome.Ack);
        });

        // Handed back at once (not after the 5 minute ack timeout); it was handed to a handler, so this is delivery 2.
        await Eventually.TrueAsync(() => received.Count >= 1, "the redelivery", TimeSpan.FromSeconds(10));
        Assert.Equal(sent.MessageId, received.Items[0].Id);
        Assert.Equal(2, received.Items[0].DeliveryCount);
    }

    [Fact]
    public async Task Requests_are_answered_once_acknowledged_whatever_the_outcome_and_the_reply_list_expires()
    {
        var server = await _transports.ConnectAsync(o => o.ReplyTimeToLive = TimeSpan.FromSeconds(30));
        var client = await _transports.ConnectAsync();
        string destination = NewDestination("replies");
        int calls = 0;
        var second = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SubscribeAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) }, async (message, ct) =>
        {
            Interlocked.Increment(ref calls);
            Assert.True(message.ExpectsReply);
            await message.ReplyAsync(new TransportMessage(new MessageHeaders().Set(MessageHeaderNames.ReplyStatus, "ok"), new byte[] { 42 }), ct);
            second.TrySetResult(await Record.ExceptionAsync(async () => await message.ReplyAsync(new TransportMessage(new MessageHeaders(), default), ct)));
            throw new InvalidOperationException("a failing handler after the reply: the request must not be retried");
        });

        var reply = await client.RequestAsync(destination, Message(1), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal([42], reply.Body.ToArray());
        Assert.Equal("ok", reply.Headers[MessageHeaderNames.ReplyStatus]);
        Assert.IsType<InvalidOperationException>(await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("test:reply:", client.ReplyKey, StringComparison.Ordinal);

        // A requester that went away: its reply list is left with an expiry.
        string orphan = "test:reply:gone-" + Guid.NewGuid().ToString("N");
        await _raw.StreamAddAsync(server.GetStreamKey(destination), [new("catga-reply-to", orphan), new("catga-request-id", "r1"), new("body", new byte[] { 1 })]);
        await StreamsEventually.TrueAsync(async () => await _raw.ExistsAsync(orphan) == 1, "the orphaned reply");
        Assert.InRange(await _raw.TtlAsync(orphan), 1, 30);

        await Task.Delay(1500);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(0, (await _raw.StreamPendingAsync(server.GetStreamKey(destination), "svc")).Count);
        Assert.Equal(0, await _raw.StreamLengthAsync(server.GetRetryKey(destination, "svc")));
    }

    [Fact]
    public async Task Request_to_a_destination_without_a_group_fails_at_once_naming_it()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("nogroup");
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportNoRespondersException>(
            async () => await transport.RequestAsync(destination, Message(1), TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains(destination, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _raw.ExistsAsync(transport.GetStreamKey(destination)));
    }

    [Fact]
    public async Task Max_length_trims_the_stream_approximately()
    {
        var transport = await _transports.ConnectAsync(o => o.MaxLength = 10);
        string destination = NewDestination("trim");
        for (int i = 0; i < 5; i++)
        {
            await transport.SendBatchAsync(destination, Enumerable.Range(0, 200).Select(Message).ToList(), CancellationToken.None);
        }

        long length = await _raw.StreamLengthAsync(transport.GetStreamKey(destination));
        Assert.InRange(length, 10, 300);
    }

    [Fact]
    public async Task Entries_use_the_documented_key_and_fields()
    {
        var transport = await _transports.ConnectAsync(o => o.StreamKeyMapper = d => "custom{" + d + "}");
        string destination = NewDestination("layout");
        var message = Message(5);
        await transport.SendAsync(destination, message, CancellationToken.None);
        var entries = await _raw.StreamRangeAsync("custom{" + destination + "}");
        var entry = Assert.Single(entries);
        Assert.Equal(message.MessageId, entry.GetString("h:" + MessageHeaderNames.MessageId));
        Assert.Equal("5", entry.GetString("h:x-n"));
        Assert.Equal(message.Body.ToArray(), entry.Fields.Single(f => f.Key == "body").Value);
        Assert.Equal("test:stream:x", (await _transports.ConnectAsync()).GetStreamKey("x"));
    }

    [Fact]
    public async Task UseRedisStreamsTransport_registers_a_singleton_and_rejects_bad_settings_by_name()
    {
        var services = new ServiceCollection();
        services.AddCatga().UseRedisStreamsTransport(_ => _raw, o => o.KeyPrefix = "di:");
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IMessageTransport));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        await using (var transport = (IMessageTransport)descriptor.ImplementationFactory!(new NoServices()))
        {
            Assert.Equal("redis", transport.Name);
            Assert.Equal("di:stream:orders", ((RedisStreamsTransport)transport).GetStreamKey("orders"));
            Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        }

        var bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport(_ => _raw, o => o.MaxLength = 0));
        Assert.Equal("MaxLength", bad.ParamName);
        Assert.Contains("RedisStreamsTransportOptions.MaxLength", bad.Message, StringComparison.Ordinal);
        bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport(_ => _raw, o => o.DelayedRetryPollInterval = TimeSpan.Zero));
        Assert.Equal("DelayedRetryPollInterval", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new RedisStreamsTransport(_raw, new RedisStreamsTransportOptions { InstanceId = "a b" }));
        Assert.Equal("InstanceId", bad.ParamName);
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
