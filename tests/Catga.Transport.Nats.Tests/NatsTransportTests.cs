using System.Collections.Concurrent;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats.Tests;

/// <summary>Behaviour specific to NATS, against a real nats-server: deduplication, subjects, requests, headers on
/// the wire and durable positions. Subscriptions run on the one consumer engine.</summary>
public sealed class NatsTransportTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (int i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_do_not_wait_for_an_idle_fetch_that_holds_the_message_slots()
    {
        // An idle JetStream fetch holds every free message slot for up to BatchWait; requests have slots of their own.
        var server = await TransportAsync();
        var client = await TransportAsync();
        string destination = TestMessages.Destination("rpc-slots");
        TransportMessageHandler echo = async (message, ct) =>
        {
            await message.ReplyAsync(new TransportMessage(new MessageHeaders(), message.Message.Body), ct);
            return DeliveryOutcome.Ack;
        };
        await StartAsync(server, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { MaxConcurrency = 2, BatchWait = TimeSpan.FromSeconds(5) }, echo);
        await TestMessages.ConsumerReachesAsync(server, "svc", destination, c => c.NumWaiting > 0, "an open pull holding both slots");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 5; i++)
        {
            await client.RequestAsync(destination, TestMessages.Create(i), TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"5 requests took {watch.Elapsed} behind an idle 5 s fetch");
    }

    [Fact]
    public async Task A_duplicate_message_id_is_stored_and_delivered_once()
    {
        var transport = await TransportAsync();
        string destination = TestMessages.Destination("dedup");
        var received = new ConcurrentQueue<(int N, int DeliveryCount)>();
        await StartAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), TestMessages.Recorder(received));

        var id = MessageId.NewId().ToString();
        await transport.SendAsync(destination, TestMessages.Create(1, id), CancellationToken.None);
        await transport.SendAsync(destination, TestMessages.Create(2, id), CancellationToken.None);
        await transport.SendBatchAsync(destination, [TestMessages.Create(3, id), TestMessages.Create(4), TestMessages.Create(5, id)], CancellationToken.None);

        // One handler at a time in stream order: once the sentinel sent last is handled, every stored copy was.
        await transport.SendAsync(destination, TestMessages.Create(TestMessages.Sentinel), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Any(r => r.N == TestMessages.Sentinel), "the sentinel");
        Assert.Equal([1, 4, TestMessages.Sentinel], received.Select(r => r.N));
        var stream = await transport.JetStream.GetStreamAsync("CATGA");
        Assert.Equal(TimeSpan.FromMinutes(2), stream.Info.Config.DuplicateWindow);
    }

    [Fact]
    public async Task Default_subject_is_prefix_plus_destination_and_the_stream_stores_it_with_the_message_id()
    {
        var transport = await TransportAsync();
        string destination = "Shop.Orders.PlaceOrder" + Guid.NewGuid().ToString("N");
        Assert.Equal("catga." + destination, transport.GetSubject(destination));
        Assert.Equal("catga-rpc." + destination, transport.GetRequestSubject(destination));

        await using var raw = await fixture.ConnectAsync();
        await using var spy = await raw.SubscribeCoreAsync<byte[]>("catga." + destination);
        await raw.PingAsync();
        var message = TestMessages.Create(1);
        message.Headers.Set("x-text", "caf\u00e9 \u2603");
        message.Headers.Set("x-padded", "  spaces  ");
        await transport.SendAsync(destination, message, CancellationToken.None);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.True(await spy.Msgs.WaitToReadAsync(cts.Token));
        Assert.True(spy.Msgs.TryRead(out var wire));
        Assert.Equal(message.MessageId, wire.Headers!["Nats-Msg-Id"].ToString());
        Assert.Equal(message.MessageId, wire.Headers["catga-message-id"].ToString());
        foreach (var header in wire.Headers)
        {
            Assert.All(header.Value.ToString(), c => Assert.InRange(c, ' ', '~'));
        }

        Assert.Equal(message.Body.ToArray(), wire.Data);
        var decoded = NatsHeaderCodec.FromNats(wire.Headers);
        Assert.Equal("caf\u00e9 \u2603", decoded["x-text"]);
        Assert.Equal("  spaces  ", decoded["x-padded"]);
        Assert.Null(decoded["Nats-Msg-Id"]);
    }

    [Fact]
    public async Task Subject_mapper_overrides_the_scheme()
    {
        var options = new NatsTransportOptions
        {
            SubjectMapper = d => "custom." + d.ToLowerInvariant(),
            RequestSubjectMapper = d => "custom-rpc." + d.ToLowerInvariant(),
            StreamName = "CUSTOM",
            StreamSubjects = ["custom.>"],
        };
        var transport = await TransportAsync(options);
        string destination = TestMessages.Destination("Mapped");
        string subject = "custom." + destination.ToLowerInvariant();
        Assert.Equal(subject, transport.GetSubject(destination));

        await using var raw = await fixture.ConnectAsync();
        await using var spy = await raw.SubscribeCoreAsync<byte[]>(subject);
        await raw.PingAsync();
        var received = new ConcurrentQueue<(int N, int DeliveryCount)>();
        await StartAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), TestMessages.Recorder(received));
        await transport.SendAsync(destination, TestMessages.Create(9), CancellationToken.None);

        await TestMessages.EventuallyAsync(() => received.Count == 1 && spy.Msgs.Count == 1, "the message on the mapped subject");
        var info = await transport.JetStream.GetStreamAsync("CUSTOM");
        Assert.Equal(1, info.Info.State.Messages);

        Assert.Equal("custom-rpc." + destination.ToLowerInvariant(), transport.GetRequestSubject(destination));
    }

    [Theory]
    [InlineData("Shop Orders")]
    [InlineData("Shop.*")]
    [InlineData("Shop.>")]
    [InlineData("Shop..Orders")]
    [InlineData(".Shop")]
    [InlineData("Shop\tOrders")]
    public async Task A_destination_that_is_not_a_valid_subject_is_rejected_naming_it(string destination)
    {
        var transport = await TransportAsync();
        var send = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.SendAsync(destination, TestMessages.Create(1), CancellationToken.None));
        Assert.Equal("destination", send.ParamName);
        Assert.Contains($"'{destination}'", send.Message, StringComparison.Ordinal);
        var request = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.RequestAsync(destination, TestMessages.Create(1), TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains($"'{destination}'", request.Message, StringComparison.Ordinal);
        var subscribe = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.OpenAsync(new TransportSubscription(destination, "svc", SubscriptionMode.Competing), CancellationToken.None));
        Assert.Contains($"'{destination}'", subscribe.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapper_that_returns_an_invalid_subject_is_reported_with_both_names()
    {
        var transport = await TransportAsync(new NatsTransportOptions { SubjectMapper = d => "catga." + d + ".>" });
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await transport.SendAsync("Shop.Orders", TestMessages.Create(1), CancellationToken.None));
        Assert.Contains("'Shop.Orders'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'catga.Shop.Orders.>'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_errors_name_the_destination()
    {
        var server = await TransportAsync();
        var client = await TransportAsync();
        string nobody = TestMessages.Destination("nobody");
        var none = await Assert.ThrowsAsync<TransportNoRespondersException>(async () => await client.RequestAsync(nobody, TestMessages.Create(1), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains(nobody, none.Message, StringComparison.Ordinal);

        string silent = TestMessages.Destination("silent");
        await StartAsync(server, new TransportSubscription(silent, "svc", SubscriptionMode.Competing), (_, _) => new(DeliveryOutcome.Ack));
        var timeout = await Assert.ThrowsAsync<TransportTimeoutException>(async () => await client.RequestAsync(silent, TestMessages.Create(1), TimeSpan.FromMilliseconds(200), CancellationToken.None));
        Assert.Contains(silent, timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_is_handled_by_one_consumer_even_across_groups_and_is_never_stored()
    {
        var transport = await TransportAsync();
        string destination = TestMessages.Destination("rpc");
        var handled = new ConcurrentQueue<(string Group, int N)>();
        TransportMessageHandler Responder(string group) => async (message, ct) =>
        {
            handled.Enqueue((group, TestMessages.N(message.Message)));
            await message.ReplyAsync(new TransportMessage(new MessageHeaders().Set("x-reply", "r\u00e9ponse"), message.Message.Body), ct);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await message.ReplyAsync(new TransportMessage(new MessageHeaders(), default), ct));
            return DeliveryOutcome.Ack;
        };

        await StartAsync(transport, new TransportSubscription(destination, "billing", SubscriptionMode.Broadcast), Responder("billing"));
        await StartAsync(transport, new TransportSubscription(destination, "shipping", SubscriptionMode.Broadcast), Responder("shipping"));
        var before = (await transport.JetStream.GetStreamAsync("CATGA")).Info.State.Messages;

        for (int i = 0; i < 10; i++)
        {
            var reply = await transport.RequestAsync(destination, TestMessages.Create(i), TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.Equal("r\u00e9ponse", reply.Headers["x-reply"]);
        }

        // Each subscription handles its requests one at a time in arrival order: once both have answered a sentinel
        // sent after the ten, a second copy of any of the ten would have been handled already.
        for (int sentinel = TestMessages.Sentinel; handled.Where(h => h.N >= TestMessages.Sentinel).Select(h => h.Group).Distinct().Count() < 2; sentinel++)
        {
            Assert.True(sentinel < TestMessages.Sentinel + 200, "both groups answer some request");
            await transport.RequestAsync(destination, TestMessages.Create(sentinel), TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, 10), handled.Where(h => h.N < TestMessages.Sentinel).Select(h => h.N));
        var after = (await transport.JetStream.GetStreamAsync("CATGA")).Info.State.Messages;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Each_group_gets_a_durable_consumer_on_the_destination_subject_with_the_ack_timeout()
    {
        var transport = await TransportAsync();
        string destination = TestMessages.Destination("durable");
        await StartAsync(transport, new TransportSubscription(destination, "billing.v2", SubscriptionMode.Broadcast) { AckTimeout = TimeSpan.FromSeconds(7) }, (_, _) => new(DeliveryOutcome.Ack));
        var durable = NatsTransport.GetDurableName("billing.v2", destination);
        Assert.Matches("^[A-Za-z0-9_-]+$", durable);
        Assert.NotEqual(durable, NatsTransport.GetDurableName("billing_v2", destination));
        var info = (await transport.JetStream.GetConsumerAsync("CATGA", durable)).Info;
        Assert.Equal("catga." + destination, info.Config.FilterSubject);
        Assert.Equal(TimeSpan.FromSeconds(7), info.Config.AckWait);
        Assert.Equal(ConsumerConfigAckPolicy.Explicit, info.Config.AckPolicy);
    }

    [Fact]
    public async Task A_restarted_consumer_resumes_from_its_durable_position()
    {
        string destination = TestMessages.Destination("resume");
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing);
        var first = new ConcurrentQueue<(int N, int DeliveryCount)>();
        var sender = await TransportAsync();
        await using (var transport = await fixture.TransportAsync())
        {
            await using var consumer = ConsumerEngine.Start(await transport.OpenAsync(subscription, CancellationToken.None), subscription, TestMessages.Recorder(first));
            await sender.SendBatchAsync(destination, Enumerable.Range(0, 10).Select(n => TestMessages.Create(n)).ToList(), CancellationToken.None);
            await TestMessages.EventuallyAsync(() => first.Count >= 10, "the first ten");
        }

        await sender.SendBatchAsync(destination, Enumerable.Range(10, 10).Select(n => TestMessages.Create(n)).ToList(), CancellationToken.None);
        var second = new ConcurrentQueue<(int N, int DeliveryCount)>();
        await StartAsync(await TransportAsync(), subscription, TestMessages.Recorder(second));
        await TestMessages.EventuallyAsync(() => second.Count >= 10, "the ten sent while it was down");

        // Everything acknowledged and nothing left to deliver: the server will send nothing more. Twenty deliveries
        // in all means none of the twenty was ever delivered twice.
        var settled = await TestMessages.ConsumerReachesAsync(sender, "svc", destination, c => c.NumPending == 0 && c.NumAckPending == 0, "every message acknowledged");
        Assert.Equal(20UL, settled.Delivered.ConsumerSeq);
        Assert.Equal(Enumerable.Range(0, 10), first.Select(r => r.N));
        Assert.Equal(Enumerable.Range(10, 10), second.Select(r => r.N));
        Assert.All(second, r => Assert.Equal(1, r.DeliveryCount));
    }

    [Fact]
    public async Task A_durable_consumer_deleted_by_hand_is_recreated_and_consumption_goes_on()
    {
        var transport = await TransportAsync();
        string destination = TestMessages.Destination("deleted");
        var received = new ConcurrentQueue<(int N, int DeliveryCount)>();
        await StartAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing), TestMessages.Recorder(received));
        await transport.SendAsync(destination, TestMessages.Create(1), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count == 1, "the first message");

        await transport.JetStream.DeleteConsumerAsync("CATGA", NatsTransport.GetDurableName("svc", destination));
        await TestMessages.EventuallyAsync(
            () => transport.JetStream.GetConsumerAsync("CATGA", NatsTransport.GetDurableName("svc", destination)).AsTask().ContinueWith(t => t.IsCompletedSuccessfully).Result,
            "the consumer re-created",
            seconds: 15);
        await transport.SendAsync(destination, TestMessages.Create(2), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count == 2, "the message after the re-creation");
        Assert.Equal([1, 2], received.Select(r => r.N));
    }

    [Fact]
    public async Task Messages_behind_a_slow_handler_wait_on_the_server_and_are_never_redelivered()
    {
        var transport = await TransportAsync();
        string destination = TestMessages.Destination("slow");
        var received = new ConcurrentQueue<(int N, int DeliveryCount)>();
        TransportMessageHandler slow = async (message, ct) =>
        {
            received.Enqueue((TestMessages.N(message.Message), message.DeliveryCount));
            await Task.Delay(500, ct);
            return DeliveryOutcome.Ack;
        };
        await StartAsync(transport, new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { BatchSize = 6, AckTimeout = TimeSpan.FromSeconds(2) }, slow);
        await transport.SendBatchAsync(destination, Enumerable.Range(0, 6).Select(n => TestMessages.Create(n)).ToList(), CancellationToken.None);

        // 6 x 500 ms behind one slot takes 3 s, longer than the 2 s ack wait: the engine fetches one message per free
        // slot, so the last ones wait on the server (where no ack wait runs), not fetched in the process.
        await TestMessages.EventuallyAsync(() => received.Count >= 6, "six deliveries");
        var settled = await TestMessages.ConsumerReachesAsync(transport, "svc", destination, c => c.NumPending == 0 && c.NumAckPending == 0, "all six acknowledged");
        Assert.Equal(6UL, settled.Delivered.ConsumerSeq);
        Assert.Equal(0L, settled.NumRedelivered);
        Assert.Equal(Enumerable.Range(0, 6), received.Select(r => r.N));
        Assert.All(received, r => Assert.Equal(1, r.DeliveryCount));
    }

    [Fact]
    public async Task The_selector_chooses_core_or_jetstream_per_destination()
    {
        var options = new NatsTransportOptions
        {
            DeliveryModeSelector = d => d.StartsWith("Tests.core.", StringComparison.Ordinal) ? NatsDeliveryMode.Core : null,
        };
        var transport = await TransportAsync(options);
        string core = TestMessages.Destination("core");
        string durable = TestMessages.Destination("js");
        var subscription = (string d) => new TransportSubscription(d, "svc", SubscriptionMode.Competing);

        // Both groups exist and are closed; then one message is sent to each.
        await (await transport.OpenAsync(subscription(core), CancellationToken.None)).DisposeAsync();
        await (await transport.OpenAsync(subscription(durable), CancellationToken.None)).DisposeAsync();
        await transport.SendAsync(core, TestMessages.Create(1), CancellationToken.None);
        await transport.SendAsync(durable, TestMessages.Create(2), CancellationToken.None);

        var coreReceived = new ConcurrentQueue<(int N, int DeliveryCount)>();
        var durableReceived = new ConcurrentQueue<(int N, int DeliveryCount)>();
        var coreConsumer = await StartAsync(transport, subscription(core), TestMessages.Recorder(coreReceived));
        var durableConsumer = await StartAsync(transport, subscription(durable), TestMessages.Recorder(durableReceived));
        await transport.SendAsync(durable, TestMessages.Create(TestMessages.Sentinel), CancellationToken.None);
        await transport.SendAsync(core, TestMessages.Create(3), CancellationToken.None);

        // One handler at a time in arrival order: anything sent before 3 and the sentinel would have come first.
        await TestMessages.EventuallyAsync(() => coreReceived.Any(r => r.N == 3), "the core message sent while subscribed");
        await TestMessages.EventuallyAsync(() => durableReceived.Any(r => r.N == TestMessages.Sentinel), "the JetStream sentinel");

        // At-most-once: the core message sent while nobody listened is gone; the JetStream one waited for its group.
        Assert.Equal([3], coreReceived.Select(r => r.N));
        Assert.Equal([2, TestMessages.Sentinel], durableReceived.Select(r => r.N));
        Assert.Equal(TransportCapabilities.None, coreConsumer.Capabilities);
        Assert.True(durableConsumer.Capabilities.HasFlag(TransportCapabilities.Durable));
    }

    [Fact]
    public async Task An_existing_stream_with_other_settings_is_updated_to_the_options()
    {
        var transport = await TransportAsync(new NatsTransportOptions
        {
            SubjectPrefix = "upd.",
            StreamName = "UPDATED",
            DuplicateWindow = TimeSpan.FromSeconds(30),
            MaxAge = TimeSpan.FromHours(1),
        });
        await transport.JetStream.CreateStreamAsync(new StreamConfig { Name = "UPDATED", Subjects = ["upd.>"], DuplicateWindow = TimeSpan.FromMinutes(1) });
        await transport.EnsureStreamAsync(CancellationToken.None);
        var info = (await transport.JetStream.GetStreamAsync("UPDATED")).Info;
        Assert.Equal(TimeSpan.FromSeconds(30), info.Config.DuplicateWindow);
        Assert.Equal(TimeSpan.FromHours(1), info.Config.MaxAge);
        Assert.Equal(StreamConfigStorage.File, info.Config.Storage);
        Assert.Equal(["upd.>"], info.Config.Subjects!);
    }

    [Fact]
    public async Task A_jetstream_send_to_a_subject_no_stream_stores_fails_clearly()
    {
        var transport = await TransportAsync(new NatsTransportOptions
        {
            SubjectMapper = d => "nowhere." + d,
            PublishRetryTimeout = TimeSpan.FromMilliseconds(300),
        });
        string destination = TestMessages.Destination("unstored");
        var ex = await Assert.ThrowsAnyAsync<TransportException>(async () => await transport.SendAsync(destination, TestMessages.Create(1), CancellationToken.None));
        Assert.Contains(destination, ex.Message, StringComparison.Ordinal);

        // Normally the server answers "no responders" at once; on a starved machine its answer can miss the deadline,
        // and the send then fails as a timeout (still naming the destination, never hanging).
        if (ex is not TransportTimeoutException)
        {
            Assert.Contains("no JetStream stream stores subject", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_check_reports_a_closed_connection()
    {
        var connection = await fixture.ConnectAsync();
        await using var transport = new NatsTransport(connection, ownsConnection: true);
        Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        await connection.DisposeAsync();
        var problem = await transport.CheckHealthAsync(CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains("closed", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_by_health_and_sends()
    {
        var options = new NatsOpts { Url = $"nats://127.0.0.1:{Catga.TestInfrastructure.FreePort.Next()}", ConnectTimeout = TimeSpan.FromSeconds(1) };
        await using var transport = new NatsTransport(new NatsConnection(options), ownsConnection: true);
        var problem = await transport.CheckHealthAsync(CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains("Connecting to NATS", problem, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<TransportException>(async () => await transport.SendAsync(TestMessages.Destination("down"), TestMessages.Create(1), CancellationToken.None));
        Assert.Contains("connecting to NATS", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_connection_that_is_not_connected_yet_is_connected_on_first_use()
    {
        await using var transport = new NatsTransport(new NatsConnection(fixture.Options()), ownsConnection: true);
        Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        string destination = TestMessages.Destination("lazy");
        await transport.SendAsync(destination, TestMessages.Create(1), CancellationToken.None);
    }

    private async Task<NatsTransport> TransportAsync(NatsTransportOptions? options = null)
    {
        var transport = await fixture.TransportAsync(options);
        _disposables.Add(transport);
        return transport;
    }

    /// <summary>Opens <paramref name="subscription"/> and runs it on the one consumer engine, as Catga's host does;
    /// stopped (and its source closed) before the transports when the test ends.</summary>
    private async Task<ConsumerEngine> StartAsync(NatsTransport transport, TransportSubscription subscription, TransportMessageHandler handler)
    {
        var consumer = ConsumerEngine.Start(await transport.OpenAsync(subscription, CancellationToken.None), subscription, handler);
        _disposables.Add(consumer);
        return consumer;
    }
}
