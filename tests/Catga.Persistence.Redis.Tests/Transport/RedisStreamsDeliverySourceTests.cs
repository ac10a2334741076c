using System.Diagnostics;
using System.Globalization;
using Catga.Persistence.Redis.Transport;
using Catga.TestInfrastructure;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>What the Redis Streams delivery source does beyond the conformance suite, driven directly (fetch, settle,
/// extend, dispose) against a real redis-server.</summary>
public sealed class RedisStreamsDeliverySourceTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly StreamsTransports _transports = new((IRedisTarget)fixture);
    private readonly List<IDeliverySource> _sources = [];

    private IDatabase Raw => fixture.Connection.GetDatabase();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (IDeliverySource source in _sources)
        {
            await source.DisposeAsync();
        }

        await _transports.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task An_idle_fetch_sends_no_commands_and_wakes_up_when_a_message_is_sent()
    {
        // Fake time stands still: no idle poll, reclaim or delayed-set check comes due during the test.
        var time = new FakeTimeProvider();
        var consumerSide = await _transports.ConnectAsync(o => o.IdlePollInterval = TimeSpan.FromMinutes(1), time);
        var producer = await _transports.ConnectAsync();
        string destination = NewDestination("idle");

        // A batch wait of zero: each fetch checks once and returns, so twenty fetches take no (fake) time.
        IDeliverySource idle = await OpenAsync(consumerSide, new TransportSubscription(destination, "idle", SubscriptionMode.Competing) { BatchWait = TimeSpan.Zero });
        Assert.Empty(await idle.FetchAsync(10, None));
        long before = await CommandsProcessedAsync();
        for (int i = 0; i < 20; i++)
        {
            Assert.Empty(await idle.FetchAsync(10, None));
        }

        // Only the first INFO of this measurement is counted, and at most a client heartbeat besides (a command per
        // fetch would be 20 more).
        Assert.InRange(await CommandsProcessedAsync() - before, 1, 3);

        // A batch wait that never ends on the fake clock: only the wake-up published with the XADD can end this fetch.
        IDeliverySource waiting = await OpenAsync(consumerSide, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { BatchWait = TimeSpan.FromHours(1) });
        ValueTask<IReadOnlyList<IncomingMessage>> fetch = waiting.FetchAsync(10, None);
        await producer.SendAsync(destination, Message(7), None);
        IncomingMessage received = Assert.Single(await fetch);
        Assert.Equal("7", received.Message.Headers["x-n"]);
        Assert.Equal(1, received.DeliveryCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_consumer_that_dies_without_settling_has_its_message_reclaimed_by_another_with_delivery_count_2()
    {
        string destination = NewDestination("dies");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromMilliseconds(300) };
        var dyingTransport = await _transports.ConnectAsync();
        IDeliverySource dying = await dyingTransport.OpenAsync(subscription, None);
        var survivor = await OpenAsync(await _transports.ConnectAsync(o => o.ReclaimInterval = TimeSpan.FromMilliseconds(100)), subscription);
        await dyingTransport.SendAsync(destination, Message(1), None);
        Assert.Single(await FetchAsync(dying, 1));

        // The process dies: no settlement, no dispose. After the ack timeout the survivor's reclaim takes the entry.
        IncomingMessage reclaimed = Assert.Single(await FetchAsync(survivor, 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, reclaimed.DeliveryCount);
        await survivor.SettleAsync(reclaimed, DeliveryOutcome.Ack, None);
        Assert.Equal(0, (await Raw.StreamPendingAsync(dyingTransport.GetStreamKey(destination), "svc")).PendingMessageCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_heartbeat_keeps_a_long_handler_s_message_from_being_reclaimed()
    {
        string destination = NewDestination("heartbeat");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(2) };
        var transport = await _transports.ConnectAsync();
        IDeliverySource running = await OpenAsync(transport, subscription);
        IDeliverySource other = await OpenAsync(await _transports.ConnectAsync(o => o.ReclaimInterval = TimeSpan.FromMilliseconds(100)), subscription);
        await transport.SendAsync(destination, Message(1), None);
        IncomingMessage message = Assert.Single(await FetchAsync(running, 1));

        // Twice the ack timeout passes while the handler runs and extends; the other consumer never gets the message.
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < TimeSpan.FromSeconds(4))
        {
            await running.ExtendAsync(message, None);
            Assert.Empty(await other.FetchAsync(10, None));
        }

        await running.SettleAsync(message, DeliveryOutcome.Ack, None);
        Assert.Equal(0, (await Raw.StreamPendingAsync(transport.GetStreamKey(destination), "svc")).PendingMessageCount);

        // Extending a message another consumer owns now does not take it back.
        await transport.SendAsync(destination, Message(2), None);
        IncomingMessage lost = Assert.Single(await FetchAsync(running, 1));
        IncomingMessage taken = Assert.Single(await FetchAsync(other, 1, TimeSpan.FromSeconds(10)));
        await running.ExtendAsync(lost, None);
        StreamPendingMessageInfo owner = Assert.Single(await Raw.StreamPendingMessagesAsync(transport.GetStreamKey(destination), "svc", 10, RedisValue.Null));
        Assert.Equal(((RedisStreamsDeliverySource)other).Name, (string?)owner.ConsumerName);
        await other.SettleAsync(taken, DeliveryOutcome.Ack, None);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_retry_counts_a_delivery_a_deferral_does_not_and_a_delay_is_kept()
    {
        string destination = NewDestination("retry");
        var transport = await _transports.ConnectAsync();
        IDeliverySource source = await OpenAsync(transport, Subscription(destination));
        await transport.SendAsync(destination, Message(1), None);

        IncomingMessage first = Assert.Single(await FetchAsync(source, 1));
        await source.SettleAsync(first, DeliveryOutcome.Retry(TimeSpan.Zero), None);
        IncomingMessage second = Assert.Single(await FetchAsync(source, 1));
        Assert.Equal(2, second.DeliveryCount);

        await source.SettleAsync(second, DeliveryOutcome.Defer(TimeSpan.Zero), None);
        IncomingMessage deferred = Assert.Single(await FetchAsync(source, 1));
        Assert.Equal(2, deferred.DeliveryCount);
        Assert.Equal(Message(1).Body.ToArray(), deferred.Message.Body.ToArray());

        var elapsed = Stopwatch.StartNew();
        await source.SettleAsync(deferred, DeliveryOutcome.Retry(TimeSpan.FromMilliseconds(700)), None);
        IncomingMessage delayed = Assert.Single(await FetchAsync(source, 1, TimeSpan.FromSeconds(10)));
        Assert.True(elapsed.Elapsed >= TimeSpan.FromMilliseconds(650), $"redelivered after {elapsed.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(3, delayed.DeliveryCount);
        await source.SettleAsync(delayed, DeliveryOutcome.Ack, None);

        // Retry copies are deleted once settled; nothing is left pending anywhere.
        Assert.Equal(0, await Raw.StreamLengthAsync(transport.GetRetryKey(destination, "svc")));
        Assert.Equal(0, (await Raw.StreamPendingAsync(transport.GetStreamKey(destination), "svc")).PendingMessageCount);
        Assert.Equal(0, await Raw.SortedSetLengthAsync(transport.GetDelayedKey(destination, "svc")));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_retry_in_one_broadcast_group_is_not_seen_by_another_group()
    {
        string destination = NewDestination("groups");
        var transport = await _transports.ConnectAsync();
        IDeliverySource billing = await OpenAsync(transport, new TransportSubscription(destination, "billing", SubscriptionMode.Broadcast));
        IDeliverySource shipping = await OpenAsync(transport, new TransportSubscription(destination, "shipping", SubscriptionMode.Broadcast));
        await transport.SendAsync(destination, Message(1), None);

        IncomingMessage b = Assert.Single(await FetchAsync(billing, 1));
        IncomingMessage s = Assert.Single(await FetchAsync(shipping, 1));
        await billing.SettleAsync(b, DeliveryOutcome.Retry(TimeSpan.Zero), None);
        await shipping.SettleAsync(s, DeliveryOutcome.Ack, None);

        Assert.Equal(2, Assert.Single(await FetchAsync(billing, 1)).DeliveryCount);
        Assert.Empty(await shipping.FetchAsync(10, None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dispose_returns_held_messages_at_once_not_after_the_ack_timeout()
    {
        string destination = NewDestination("dispose");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromMinutes(5) };
        var transport = await _transports.ConnectAsync();
        IDeliverySource leaving = await transport.OpenAsync(subscription, None);
        IDeliverySource staying = await OpenAsync(await _transports.ConnectAsync(), subscription);
        await transport.SendAsync(destination, Message(1), None);

        // Handed to a handler that was abandoned (an abort): its delivery counts.
        IncomingMessage abandoned = Assert.Single(await FetchAsync(leaving, 1));
        Assert.Empty(await staying.FetchAsync(1, None));

        var elapsed = Stopwatch.StartNew();
        await leaving.DisposeAsync();
        IncomingMessage returned = Assert.Single(await FetchAsync(staying, 1, TimeSpan.FromSeconds(10)));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(abandoned.Message.Headers[MessageHeaderNames.MessageId], returned.Message.Headers[MessageHeaderNames.MessageId]);
        Assert.Equal(2, returned.DeliveryCount);

        // The leaving consumer is gone from the group.
        StreamConsumerInfo[] consumers = await Raw.StreamConsumerInfoAsync(transport.GetStreamKey(destination), "svc");
        Assert.DoesNotContain(consumers, c => c.Name == ((RedisStreamsDeliverySource)leaving).Name);
    }

    [Fact(Timeout = 30_000)]
    public async Task Malformed_entries_are_delivered_with_what_they_have()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("malformed");
        IDeliverySource source = await OpenAsync(transport, Subscription(destination));
        string key = transport.GetStreamKey(destination);

        // No body, no headers, only a field the transport does not know; then a header name Catga would refuse, a
        // header value with a line break, an unreadable delivery count.
        await Raw.StreamAddAsync(key, [new NameValueEntry("garbage", "x")]);
        await Raw.StreamAddAsync(key, [new("h:bad name", "v"), new("h:broken", "a\r\nb"), new("h:x-n", "2"), new("catga-delivery", "many"), new("body", new byte[] { 9, 0, 9 })]);

        IReadOnlyList<IncomingMessage> items = await FetchAsync(source, 2);
        Assert.Equal(0, items[0].Message.Body.Length);
        Assert.Equal(0, items[0].Message.Headers.Count);
        Assert.Equal(1, items[0].DeliveryCount);
        Assert.Equal([9, 0, 9], items[1].Message.Body.ToArray());
        Assert.Equal("2", items[1].Message.Headers["x-n"]);
        Assert.Null(items[1].Message.Headers["broken"]);
        Assert.Equal(1, items[1].DeliveryCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task Requests_are_acknowledged_whatever_the_outcome_and_replies_arrive_on_the_requester_s_channel()
    {
        var server = await _transports.ConnectAsync();
        var client = await _transports.ConnectAsync();
        string destination = NewDestination("rpc");
        IDeliverySource source = await OpenAsync(server, Subscription(destination));
        Assert.StartsWith("test:reply:", client.ReplyChannel, StringComparison.Ordinal);

        Task<TransportMessage> asking = client.RequestAsync(destination, Message(1), TimeSpan.FromSeconds(20), None).AsTask();
        IncomingMessage request = Assert.Single(await FetchAsync(source, 1));
        Assert.True(request.ExpectsReply);
        await request.ReplyAsync(Message(42), None);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await request.ReplyAsync(Message(43), None));

        // A retry of a request is not redelivered: the requester has its answer, or times out and asks again.
        await source.SettleAsync(request, DeliveryOutcome.Retry(TimeSpan.Zero), None);
        Assert.Equal("42", (await asking).Headers["x-n"]);
        Assert.Empty(await source.FetchAsync(10, None));
        Assert.Equal(0, (await Raw.StreamPendingAsync(server.GetStreamKey(destination), "svc")).PendingMessageCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task Request_to_a_destination_without_a_group_fails_at_once_naming_it()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("nobody");
        var error = await Assert.ThrowsAsync<TransportNoRespondersException>(async () => await transport.RequestAsync(destination, Message(1), TimeSpan.FromSeconds(20), None));
        Assert.Contains(destination, error.Message, StringComparison.Ordinal);
        Assert.False(await Raw.KeyExistsAsync(transport.GetStreamKey(destination)));
    }

    [Fact(Timeout = 30_000)]
    public async Task Max_length_trims_the_stream_approximately()
    {
        var transport = await _transports.ConnectAsync(o => o.MaxLength = 10);
        string destination = NewDestination("trim");
        for (int i = 0; i < 5; i++)
        {
            await transport.SendBatchAsync(destination, [.. Enumerable.Range(0, 200).Select(Message)], None);
        }

        Assert.InRange(await Raw.StreamLengthAsync(transport.GetStreamKey(destination)), 10, 300);
    }

    [Fact(Timeout = 30_000)]
    public async Task Entries_use_the_documented_hash_tagged_keys_and_fields()
    {
        var transport = await _transports.ConnectAsync();
        string destination = NewDestination("layout");
        TransportMessage message = Message(5);
        await transport.SendAsync(destination, message, None);

        Assert.Equal("test:{" + destination + "}:stream", transport.GetStreamKey(destination));
        Assert.Equal("test:{" + destination + "}:retry:3:svc", transport.GetRetryKey(destination, "svc"));
        Assert.Equal("test:{" + destination + "}:delayed:3:svc", transport.GetDelayedKey(destination, "svc"));
        StreamEntry entry = Assert.Single(await Raw.StreamRangeAsync("test:{" + destination + "}:stream"));
        Assert.Equal(message.Headers[MessageHeaderNames.MessageId], (string?)entry["h:" + MessageHeaderNames.MessageId]);
        Assert.Equal("5", (string?)entry["h:x-n"]);
        Assert.Equal(message.Body.ToArray(), (byte[]?)entry["body"]);

        var error = Assert.Throws<ArgumentException>(() => transport.GetStreamKey("orders{eu}"));
        Assert.Contains("orders{eu}", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await transport.SendAsync("a}b", message, None));
    }

    [Fact(Timeout = 30_000)]
    public async Task UseRedisStreamsTransport_registers_a_singleton_and_rejects_bad_settings_by_name()
    {
        var services = new ServiceCollection();
        services.AddCatga().UseRedisStreamsTransport(fixture.Connection, o => o.KeyPrefix = "di");
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var transport = Assert.IsType<RedisStreamsTransport>(provider.GetRequiredService<IMessageTransport>());
            Assert.Same(transport, provider.GetRequiredService<IMessageTransport>());
            Assert.Equal("di:{orders}:stream", transport.GetStreamKey("orders"));
            Assert.Null(await transport.CheckHealthAsync(None));
        }

        var bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport(fixture.Connection, o => o.MaxLength = 0));
        Assert.Equal("MaxLength", bad.ParamName);
        Assert.Contains("RedisStreamsTransportOptions.MaxLength", bad.Message, StringComparison.Ordinal);
        bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport(fixture.Connection, o => o.IdlePollInterval = TimeSpan.Zero));
        Assert.Equal("IdlePollInterval", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport(fixture.Connection, o => o.KeyPrefix = "{x}"));
        Assert.Equal("KeyPrefix", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new RedisStreamsTransport(fixture.Connection, new RedisStreamsTransportOptions { InstanceId = "a b" }));
        Assert.Equal("InstanceId", bad.ParamName);
        bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCatga().UseRedisStreamsTransport("host:notaport"));
        Assert.Equal("configuration", bad.ParamName);
    }

    private static TransportSubscription Subscription(string destination) => new(destination, "svc", SubscriptionMode.Competing);

    private static string NewDestination(string what) => $"source.{what}.{Guid.NewGuid():N}";

    private static TransportMessage Message(int n) => new(
        new MessageHeaders().Set(MessageHeaderNames.MessageId, Guid.NewGuid().ToString("N")).Set("x-n", n.ToString(CultureInfo.InvariantCulture)),
        new byte[] { 0, 0xFF, (byte)n, 0x80 });

    private async Task<IDeliverySource> OpenAsync(RedisStreamsTransport transport, TransportSubscription subscription)
    {
        IDeliverySource source = await transport.OpenAsync(subscription, None);
        _sources.Add(source);
        return source;
    }

    /// <summary>Fetches until <paramref name="count"/> messages came (each fetch waits its batch wait for them).</summary>
    private static async Task<IReadOnlyList<IncomingMessage>> FetchAsync(IDeliverySource source, int count, TimeSpan? limit = null)
    {
        var received = new List<IncomingMessage>();
        var elapsed = Stopwatch.StartNew();
        while (received.Count < count)
        {
            Assert.True(elapsed.Elapsed < (limit ?? TimeSpan.FromSeconds(10)), $"only {received.Count} of {count} messages came");
            received.AddRange(await source.FetchAsync(count - received.Count, None));
        }

        return received;
    }

    private async Task<long> CommandsProcessedAsync()
    {
        string info = await fixture.Server.CommandAsync("INFO", "stats");
        string line = info.Split("\r\n").Single(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line["total_commands_processed:".Length..], CultureInfo.InvariantCulture);
    }
}
