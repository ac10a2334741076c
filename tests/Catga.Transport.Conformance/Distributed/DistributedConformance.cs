using System.Diagnostics;
using Catga.Distributed;
using Catga.Health;
using Catga.Serialization;
using Catga.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Catga.Transport.Conformance.Distributed;

/// <summary>
/// Catga's own behaviour over a transport: the generated pipelines handle messages that arrive from another process,
/// results come back, events reach every service once, failures are retried and dead-lettered, the inbox
/// deduplicates, the outbox relays, traces continue. Subclasses choose the transport (and may choose stores).
/// Every test uses its own service names so tests do not share consumer groups.
/// </summary>
public abstract class DistributedConformance : IAsyncLifetime
{
    private readonly List<DistributedService> _services = [];
    private int _instances;

    /// <summary>Adds the transport; every call must connect to the same server.</summary>
    protected abstract ValueTask UseTransportAsync(CatgaBuilder builder);

    /// <summary>Adds the stores of one service instance (in-memory by default).</summary>
    protected virtual ValueTask UsePersistenceAsync(CatgaBuilder builder)
    {
        builder.UseInMemoryPersistence();
        return ValueTask.CompletedTask;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    protected static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    protected async Task<DistributedService> StartServiceAsync(string serviceName, bool handlers = true, Action<DistributedMessagingOptions>? configure = null, bool persistence = true, bool start = true)
    {
        var services = new ServiceCollection();
        var recorder = new DistributedRecorder { Instance = $"{serviceName}#{Interlocked.Increment(ref _instances)}" };
        services.AddSingleton(recorder);
        services.AddLogging();
        var builder = services.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        await UseTransportAsync(builder);
        if (persistence)
        {
            await UsePersistenceAsync(builder);
        }

        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            options.Consumers.Retry = RetryPolicy.Fixed(3, TimeSpan.FromMilliseconds(50));
            options.Consumers.AckTimeout = TimeSpan.FromSeconds(2);
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            options.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            options.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        var service = new DistributedService(services.BuildServiceProvider(), recorder);
        _services.Add(service);
        if (start)
        {
            await service.StartAsync();
        }

        return service;
    }

    /// <summary>Waits until every running service of the test has settled everything that reached it, judged by the
    /// servers' counts (outboxes empty; no lag, no unsettled delivery, no running handler): after it, nothing more
    /// arrives, so "exactly once" assertions hold without waiting for a quiet period.</summary>
    protected Task SettledAsync()
        => CatgaSettlement.WaitAsync(_services.Where(s => s.IsRunning).Select(s => (IServiceProvider)s.Provider), TimeSpan.FromSeconds(30));

    /// <summary>Every service here has every handler (one test assembly); real services own theirs. This narrows what one consumes.</summary>
    protected static void OnlyConsume<TMessage>(DistributedMessagingOptions options)
        where TMessage : ISerializableMessage<TMessage>
    {
        options.ConsumeAllDistributed = false;
        options.Consume<TMessage>();
    }

    [Fact]
    public async Task Command_without_local_handler_runs_remotely_and_its_result_comes_back()
    {
        string inventory = Unique("inventory");
        var server = await StartServiceAsync(inventory);
        var client = await StartServiceAsync(Unique("web"), handlers: false);

        var result = await client.Mediator.SendAsync(new Reserve("sku-1", 3));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(new Reservation("sku-1", 3, server.Recorder.Instance), result.Value);
        Assert.Equal(1, server.Recorder.Count("reserve"));
        Assert.Equal(0, client.Recorder.Count("reserve"));

        var query = await client.Mediator.SendAsync(new GetStock("abcd"));
        Assert.Equal(40, query.Value);
    }

    [Fact]
    public async Task Routed_messages_go_to_the_consuming_role_even_when_a_local_handler_exists()
    {
        // One executable in two roles: both contain every handler; routing decides where each message is handled.
        var shipping = await StartServiceAsync(Unique("shipping"), configure: o =>
        {
            OnlyConsume<Reserve>(o);
            o.Consume<OrderPlaced>();
        });
        var orders = await StartServiceAsync(Unique("orders"), configure: o =>
        {
            o.ConsumeAllDistributed = false;
            o.Route<Reserve>();
            o.Route<OrderPlaced>();
        });

        var result = await orders.Mediator.SendAsync(new Reserve("sku-routed", 2));
        Assert.Equal(shipping.Recorder.Instance, result.Value.Handler);
        Assert.True((await orders.Mediator.PublishAsync(new OrderPlaced("o-routed", 1m))).IsSuccess);
        await Eventually.TrueAsync(() => shipping.Recorder.Count("placed") == 1, "the routed event in the shipping role");
        await SettledAsync();
        Assert.Equal(0, orders.Recorder.Count("reserve"));
        Assert.Equal(0, orders.Recorder.Count("placed"));
    }

    [Fact]
    public async Task Remote_failures_come_back_as_failed_results_with_code_and_field_errors()
    {
        await StartServiceAsync(Unique("inventory"));
        var client = await StartServiceAsync(Unique("web"), handlers: false);

        var business = await client.Mediator.SendAsync(new Reserve("out-of-stock", 1));
        Assert.Equal("Inventory.OutOfStock", business.Error!.Code);
        Assert.Equal("No stock left for out-of-stock.", business.Error.Message);

        var invalid = await client.Mediator.SendAsync(new Reserve("", 5000));
        Assert.Equal(CatgaErrorCodes.Validation, invalid.Error!.Code);
        Assert.Contains(invalid.Error.FieldErrors, f => f.Path == "Sku");
        Assert.Contains(invalid.Error.FieldErrors, f => f.Path == "Quantity");
    }

    [Fact]
    public async Task Remote_handler_exception_is_retried_then_returned_as_a_failure()
    {
        var server = await StartServiceAsync(Unique("inventory"));
        var client = await StartServiceAsync(Unique("web"), handlers: false);
        server.Recorder.Failing["sku-broken"] = true;

        var result = await client.Mediator.SendAsync(new Reserve("sku-broken", 1));

        Assert.Equal(CatgaErrorCodes.HandlerException, result.Error!.Code);
        Assert.Contains("stock service down for sku-broken", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Recorder.Attempts["sku-broken"]);
    }

    [Fact]
    public async Task Request_with_no_consumer_fails_with_no_responders_or_timeout()
    {
        var client = await StartServiceAsync(Unique("web"), handlers: false, configure: o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();
        var result = await client.Mediator.SendAsync(new GetStock("nobody-home-" + Guid.NewGuid().ToString("N")));
        Assert.True(result.Error!.Code is CatgaErrorCodes.NoResponders or CatgaErrorCodes.Timeout, result.Error.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Event_reaches_every_service_once_with_correlation()
    {
        var billing = await StartServiceAsync(Unique("billing"), configure: OnlyConsume<OrderPlaced>);
        var shipping = await StartServiceAsync(Unique("shipping"), configure: OnlyConsume<OrderPlaced>);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);

        var correlation = MessageId.NewId();
        var ids = new List<MessageId>();
        for (int i = 0; i < 20; i++)
        {
            var placed = new OrderPlaced("o" + i, 10m + i) { CorrelationId = correlation };
            ids.Add(placed.MessageId);
            Assert.True((await shop.Mediator.PublishAsync(placed)).IsSuccess);
        }

        await Eventually.TrueAsync(() => billing.Recorder.Count("placed") >= 20 && shipping.Recorder.Count("placed") >= 20, "20 events in each service");
        await SettledAsync();
        Assert.Equal(20, billing.Recorder.Count("placed"));
        Assert.Equal(20, shipping.Recorder.Count("placed"));
        Assert.Equal(ids.Order(), billing.Recorder.Handled.Select(h => h.Id).Order());
        Assert.All(billing.Recorder.Handled, h => Assert.Equal(correlation, h.Correlation));
    }

    [Fact]
    public async Task Batch_publish_delivers_every_message_once()
    {
        var billing = await StartServiceAsync(Unique("billing"), configure: OnlyConsume<OrderPlaced>);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        var batch = Enumerable.Range(0, 100).Select(i => (IMessage)new OrderPlaced("batch-" + i, i)).ToList();

        Assert.True((await shop.Bus.PublishBatchAsync(batch)).IsSuccess);

        await Eventually.TrueAsync(() => billing.Recorder.Count("placed") >= 100, "100 events");
        await SettledAsync();
        Assert.Equal(batch.Select(m => m.MessageId).Order(), billing.Recorder.Handled.Select(h => h.Id).Order());
    }

    [Fact]
    public async Task Competing_instances_of_one_service_handle_each_command_once()
    {
        string fulfilment = Unique("fulfilment");
        var first = await StartServiceAsync(fulfilment);
        var second = await StartServiceAsync(fulfilment);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);

        for (int i = 0; i < 40; i++)
        {
            Assert.True((await shop.Bus.SendAsync(new SlowWork("w" + i, 5))).IsSuccess);
        }

        await Eventually.TrueAsync(() => first.Recorder.Count("slow") + second.Recorder.Count("slow") >= 40, "40 commands handled");
        await SettledAsync();
        var all = first.Recorder.Handled.Concat(second.Recorder.Handled).Where(h => h.Kind == "slow").Select(h => h.Key).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
    }

    [Fact]
    public async Task Flaky_handler_succeeds_on_a_later_attempt_and_its_outbox_event_is_delivered_once()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: OnlyConsume<Ship>);
        var tracking = await StartServiceAsync(Unique("tracking"), configure: OnlyConsume<OrderShipped>);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);

        var ship = new Ship("order-flaky", FailFirstAttempts: 2);
        Assert.True((await shop.Bus.SendAsync(ship)).IsSuccess);

        await Eventually.TrueAsync(() => tracking.Recorder.Count("shipped") >= 1, "the OrderShipped event");
        await SettledAsync();
        Assert.Equal(3, fulfilment.Recorder.Attempts["order-flaky"]);
        Assert.Equal(1, fulfilment.Recorder.Count("ship"));
        Assert.Equal(1, tracking.Recorder.Count("shipped"));
        var shipped = tracking.Recorder.Handled.Single(h => h.Kind == "shipped");
        Assert.Equal(ship.MessageId, shipped.Causation);
        Assert.Equal(ship.MessageId, shipped.Correlation);
    }

    [Fact]
    public async Task Poison_message_is_dead_lettered_after_the_last_attempt_and_can_be_replayed()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"));
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        fulfilment.Recorder.Failing["order-poison"] = true;

        var ship = new Ship("order-poison");
        Assert.True((await shop.Bus.SendAsync(ship)).IsSuccess);

        await Eventually.TrueAsync(() => fulfilment.DeadLetters.CountAsync().AsTask().Result == 1, "a dead letter");
        var letter = (await fulfilment.DeadLetters.ListAsync()).Single();
        Assert.Equal(ship.MessageId.ToString(), letter.Id);
        Assert.Equal(CatgaErrorCodes.HandlerException, letter.Reason);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(typeof(InvalidOperationException).FullName, letter.ExceptionType);
        Assert.Contains("carrier unavailable for order-poison", letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(Ship.MessageTypeName, letter.Message.MessageType);
        Assert.Equal(ship.MessageId.ToString(), letter.Message.MessageId);
        Assert.Equal(3, fulfilment.Recorder.Attempts["order-poison"]);

        fulfilment.Recorder.Failing.TryRemove("order-poison", out _);
        Assert.True(await fulfilment.DeadLetters.ReplayAsync(letter.Id));
        await Eventually.TrueAsync(() => fulfilment.Recorder.Count("ship") == 1, "the replayed message handled");
        Assert.Equal(0, await fulfilment.DeadLetters.CountAsync());
    }

    [Fact]
    public async Task Message_of_another_type_on_a_destination_is_dead_lettered_never_handled()
    {
        // The service handles Reserve too, but consumes only Ship: a Reserve injected into Ship's destination must
        // not run the Reserve handler.
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: OnlyConsume<Ship>);
        var transport = fulfilment.Provider.GetRequiredService<IMessageTransport>();
        var registry = fulfilment.Provider.GetRequiredService<MessageTypeRegistry>();
        Assert.True(registry.TryGetByName(Reserve.MessageTypeName, out var reserveType));
        var body = new System.Buffers.ArrayBufferWriter<byte>();
        fulfilment.Provider.GetRequiredService<IMessageSerializer>().Serialize(reserveType, new Reserve("sku-injected", 1), body);
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString())
            .Set(MessageHeaderNames.MessageType, Reserve.MessageTypeName)
            .Set(MessageHeaderNames.ContentType, BinaryMessageSerializer.Instance.ContentType);
        await transport.SendAsync(Ship.MessageTypeName, new TransportMessage(headers, body.WrittenMemory.ToArray()), CancellationToken.None);

        await Eventually.TrueAsync(() => fulfilment.DeadLetters.CountAsync().AsTask().Result == 1, "a dead letter");
        var letter = (await fulfilment.DeadLetters.ListAsync()).Single();
        Assert.Equal(CatgaErrorCodes.WrongDestination, letter.Reason);
        Assert.Contains(Reserve.MessageTypeName, letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(Ship.MessageTypeName, letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, fulfilment.Recorder.Count("reserve"));
        Assert.False(fulfilment.Recorder.Attempts.ContainsKey("sku-injected"));
    }

    [Fact]
    public async Task Unreadable_message_is_dead_lettered_with_a_deserialization_reason()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"));
        var transport = fulfilment.Provider.GetRequiredService<IMessageTransport>();
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString())
            .Set(MessageHeaderNames.MessageType, Ship.MessageTypeName)
            .Set(MessageHeaderNames.ContentType, BinaryMessageSerializer.Instance.ContentType);
        await transport.SendAsync(Ship.MessageTypeName, new TransportMessage(headers, new byte[] { 0xFF, 0x01, 0x02 }), CancellationToken.None);

        var unknown = new MessageHeaders().Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString()).Set(MessageHeaderNames.MessageType, "No.Such.Type");
        await transport.SendAsync(Ship.MessageTypeName, new TransportMessage(unknown, new byte[] { 1 }), CancellationToken.None);

        await Eventually.TrueAsync(() => fulfilment.DeadLetters.CountAsync().AsTask().Result == 2, "two dead letters");
        var letters = await fulfilment.DeadLetters.ListAsync();
        Assert.All(letters, l => Assert.Equal(CatgaErrorCodes.Deserialization, l.Reason));
        Assert.Contains(letters, l => l.ErrorMessage!.Contains("No.Such.Type", StringComparison.Ordinal));
        Assert.Equal(0, fulfilment.Recorder.Count("ship"));
    }

    [Fact]
    public async Task Duplicate_command_is_handled_once_and_gets_the_stored_result()
    {
        var server = await StartServiceAsync(Unique("inventory"));
        var client = await StartServiceAsync(Unique("web"), handlers: false);

        var reserve = new Reserve("sku-dup", 2);
        var first = await client.Mediator.SendAsync(reserve);
        var second = await client.Mediator.SendAsync(reserve);
        Assert.True((await client.Bus.SendAsync(reserve)).IsSuccess);
        await SettledAsync();

        Assert.Equal(first.Value, second.Value);
        Assert.Equal(1, server.Recorder.Count("reserve"));
    }

    [Fact]
    public async Task Trace_context_continues_in_the_consuming_service()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Catga" || source.Name == "conformance",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("conformance");

        var server = await StartServiceAsync(Unique("inventory"));
        var client = await StartServiceAsync(Unique("web"), handlers: false);
        using var root = source.StartActivity("checkout")!;
        var result = await client.Mediator.SendAsync(new Reserve("sku-trace", 1));
        Assert.True(result.IsSuccess);
        var handled = server.Recorder.Handled.Single(h => h.Key == "sku-trace");
        Assert.Equal(root.TraceId.ToString(), handled.TraceId);
    }

    [Fact]
    public async Task Stopping_a_service_finishes_in_flight_handlers_without_duplicates()
    {
        string fulfilment = Unique("fulfilment");
        var first = await StartServiceAsync(fulfilment, configure: o => o.Consumers.MaxConcurrency = 2);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        for (int i = 0; i < 10; i++)
        {
            Assert.True((await shop.Bus.SendAsync(new SlowWork("s" + i, 200))).IsSuccess);
        }

        await Eventually.TrueAsync(() => !first.Recorder.Attempts.IsEmpty, "the first handler to start");
        await first.StopAsync();
        var completedByFirst = first.Recorder.Handled.Select(h => h.Key).ToHashSet();
        Assert.Equal(first.Recorder.Attempts.Keys.Order(), completedByFirst.Order());

        var second = await StartServiceAsync(fulfilment);
        await Eventually.TrueAsync(() => completedByFirst.Count + second.Recorder.Count("slow") >= 10, "all ten handled");
        await SettledAsync();
        var bySecond = second.Recorder.Handled.Select(h => h.Key).ToList();
        Assert.Empty(bySecond.Intersect(completedByFirst));
        Assert.Equal(10, completedByFirst.Count + bySecond.Distinct().Count());
    }

    [Fact]
    public async Task Handler_that_exceeds_its_timeout_is_cancelled_and_dead_lettered_as_a_timeout()
    {
        var worker = await StartServiceAsync(Unique("worker"), configure: o =>
        {
            OnlyConsume<Sleep>(o);
            o.Configure<Sleep>(c =>
            {
                c.HandlerTimeout = TimeSpan.FromMilliseconds(200);
                c.Retry = RetryPolicy.Fixed(2, TimeSpan.FromMilliseconds(50));
            });
        });
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        Assert.True((await shop.Bus.SendAsync(new Sleep("too-slow", 10_000))).IsSuccess);
        Assert.True((await shop.Bus.SendAsync(new Sleep("fast", 10))).IsSuccess);

        await Eventually.TrueAsync(() => worker.DeadLetters.CountAsync().AsTask().Result == 1, "the timed-out message dead-lettered");
        var letter = (await worker.DeadLetters.ListAsync()).Single();
        Assert.Equal(CatgaErrorCodes.Timeout, letter.Reason);
        Assert.Contains("200 ms", letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, worker.Recorder.Attempts["too-slow"]);
        await Eventually.TrueAsync(() => worker.Recorder.Count("sleep") == 1, "the fast message handled");
        Assert.Equal("fast", worker.Recorder.Handled.Single().Key);
    }

    [Fact]
    public async Task Open_circuit_stops_calling_a_failing_handler_until_the_break_ends()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: o =>
        {
            OnlyConsume<Ship>(o);
            o.Configure<Ship>(c =>
            {
                c.Retry = RetryPolicy.Fixed(50, TimeSpan.FromMilliseconds(20));
                c.CircuitBreaker = new CircuitBreakerOptions { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(2) };
                c.MaxConcurrency = 1;
            });
        });
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        fulfilment.Recorder.Failing["order-cb"] = true;
        Assert.True((await shop.Bus.SendAsync(new Ship("order-cb"))).IsSuccess);

        await Eventually.TrueAsync(() => fulfilment.Recorder.Attempts.GetValueOrDefault("order-cb") >= 3, "three failures");
        var report = await fulfilment.CheckHealthAsync(CatgaHealthTags.Ready);
        var consumers = report.Entries[CatgaHealthCheckNames.Consumers];
        Assert.Equal(HealthStatus.Unhealthy, consumers.Status);
        Assert.Contains(Ship.MessageTypeName, consumers.Description, StringComparison.Ordinal);
        Assert.Contains("circuit open", (string)consumers.Data[Ship.MessageTypeName], StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.Equal(3, fulfilment.Recorder.Attempts["order-cb"]);

        // After the break one trial runs; the handler works again, so the circuit closes and the message is handled.
        fulfilment.Recorder.Failing.TryRemove("order-cb", out _);
        await Eventually.TrueAsync(() => fulfilment.Recorder.Count("ship") == 1, "the message handled after the break");
        Assert.Equal(4, fulfilment.Recorder.Attempts["order-cb"]);
        var healed = await fulfilment.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, healed.Status);
    }

    [Fact]
    public async Task Deferrals_by_an_open_circuit_cost_no_attempt_so_the_dead_letter_counts_only_handler_failures()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: o =>
        {
            OnlyConsume<Ship>(o);
            o.Configure<Ship>(c =>
            {
                c.Retry = RetryPolicy.Fixed(3, TimeSpan.FromMilliseconds(10));
                c.CircuitBreaker = new CircuitBreakerOptions { FailureThreshold = 2, BreakDuration = TimeSpan.FromMilliseconds(400) };
                c.MaxConcurrency = 1;
            });
        });
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        fulfilment.Recorder.Failing["order-deferred"] = true;
        Assert.True((await shop.Bus.SendAsync(new Ship("order-deferred"))).IsSuccess);

        // Two failures open the circuit; the third delivery waits for the break (deferred), then fails for real.
        await Eventually.TrueAsync(() => fulfilment.DeadLetters.CountAsync().AsTask().Result == 1, "a dead letter");
        var letter = (await fulfilment.DeadLetters.ListAsync()).Single();
        Assert.Equal(3, fulfilment.Recorder.Attempts["order-deferred"]);
        Assert.Equal(3, letter.Attempts);
    }

    [Fact]
    public async Task Concurrent_sends_of_one_handler_run_all_reach_its_outbox()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: OnlyConsume<FanOut>);
        var tracking = await StartServiceAsync(Unique("tracking"), configure: OnlyConsume<OrderShipped>);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);

        Assert.True((await shop.Bus.SendAsync(new FanOut("fan", 200))).IsSuccess);
        await Eventually.TrueAsync(() => tracking.Recorder.Count("shipped") >= 200, "200 events");
        await SettledAsync();
        Assert.Equal(1, fulfilment.Recorder.Count("fanout"));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"fan-{i}").Order(), tracking.Recorder.Handled.Where(h => h.Kind == "shipped").Select(h => h.Key).Order());
    }

    [Fact]
    public async Task Send_after_the_handler_run_completed_fails_loudly_instead_of_being_lost()
    {
        var fulfilment = await StartServiceAsync(Unique("fulfilment"), configure: OnlyConsume<LateSend>);
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);

        Assert.True((await shop.Bus.SendAsync(new LateSend("late"))).IsSuccess);
        await Eventually.TrueAsync(() => fulfilment.Recorder.Count("late") == 1, "the handler run");
        fulfilment.Recorder.Gate.SetResult();
        string outcome = await fulfilment.Recorder.LateSendOutcome.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.StartsWith("threw " + nameof(OutboxSessionSealedException), outcome, StringComparison.Ordinal);
        Assert.Contains(LateSend.MessageTypeName, outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limiter_spaces_out_handler_runs()
    {
        var worker = await StartServiceAsync(Unique("worker"), configure: o =>
        {
            OnlyConsume<SlowWork>(o);
            o.Configure<SlowWork>(c =>
            {
                c.MaxConcurrency = 4;
                c.RateLimiter = () => new System.Threading.RateLimiting.TokenBucketRateLimiter(new()
                {
                    TokenLimit = 5,
                    TokensPerPeriod = 5,
                    ReplenishmentPeriod = TimeSpan.FromMilliseconds(500),
                    QueueLimit = 100,
                    AutoReplenishment = true,
                });
            });
        });
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 25; i++)
        {
            Assert.True((await shop.Bus.SendAsync(new SlowWork("r" + i, 0))).IsSuccess);
        }

        await Eventually.TrueAsync(() => worker.Recorder.Count("slow") == 25, "25 handled");
        // 5 at once, then 5 more every 500 ms: the last 5 cannot start before 2 s.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(1900), $"25 messages at 10/s took only {watch.Elapsed}");
    }

    [Fact]
    public async Task Retry_attribute_on_the_message_sets_its_attempts_and_configuration_overrides_it()
    {
        var declared = await StartServiceAsync(Unique("audit"), configure: OnlyConsume<Audit>);
        var configured = await StartServiceAsync(Unique("audit"), configure: o =>
        {
            OnlyConsume<Audit>(o);
            o.Configure<Audit>(c => c.Retry = RetryPolicy.Immediate(4));
        });
        var shop = await StartServiceAsync(Unique("shop"), handlers: false);
        Assert.Equal(2, Catga.Generated.CatgaMessageTypes.Registry.GetByName(Audit.MessageTypeName).Retry!.MaxAttempts);
        declared.Recorder.Failing["a-1"] = true;
        configured.Recorder.Failing["a-1"] = true;

        Assert.True((await shop.Bus.SendAsync(new Audit("a-1"))).IsSuccess);

        // Both services get the command (each is its own group); each gives up after its own number of attempts.
        await Eventually.TrueAsync(
            () => declared.Recorder.Attempts.GetValueOrDefault("a-1") == 2 && configured.Recorder.Attempts.GetValueOrDefault("a-1") == 4,
            "two attempts in the service that uses the attribute, four in the one configured otherwise");
        await Eventually.TrueAsync(() => declared.DeadLetters.CountAsync().AsTask().Result >= 1, "the dead letter");
        await SettledAsync();
        Assert.Equal(2, declared.Recorder.Attempts["a-1"]);
        Assert.Equal(4, configured.Recorder.Attempts["a-1"]);
    }

    [Fact]
    public async Task Misconfiguration_fails_startup_naming_the_setting()
    {
        var bad = await StartServiceAsync("", start: false);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(bad.StartAsync);
        Assert.Contains("ServiceName", ex.Message, StringComparison.Ordinal);

        var badRetry = await StartServiceAsync(Unique("inventory"), start: false, configure: o => o.Consumers.MaxConcurrency = 0);
        var ex2 = await Assert.ThrowsAsync<InvalidOperationException>(badRetry.StartAsync);
        Assert.Contains("MaxConcurrency", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_checks_report_transport_consumers_and_outbox_with_liveness_and_readiness_tags()
    {
        var server = await StartServiceAsync(Unique("inventory"));
        var report = await server.CheckHealthAsync();
        Assert.True(report.Status == HealthStatus.Healthy, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}")));
        Assert.Equal(
            [CatgaHealthCheckNames.Consumers, CatgaHealthCheckNames.Host, CatgaHealthCheckNames.Outbox, CatgaHealthCheckNames.Scheduler, CatgaHealthCheckNames.Transport],
            report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.True(report.Entries[CatgaHealthCheckNames.Consumers].Data.ContainsKey(Reserve.MessageTypeName));
        Assert.Equal([CatgaHealthCheckNames.Host], (await server.CheckHealthAsync(CatgaHealthTags.Live)).Entries.Keys);
        Assert.DoesNotContain(CatgaHealthCheckNames.Host, (await server.CheckHealthAsync(CatgaHealthTags.Ready)).Entries.Keys);

        await server.StopAsync();
        var stopped = await server.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, stopped.Entries[CatgaHealthCheckNames.Host].Status);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Entries[CatgaHealthCheckNames.Consumers].Status);
    }
}
