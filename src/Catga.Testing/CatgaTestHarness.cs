using System.Buffers;
using Catga.Distributed;
using Catga.Outbox;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Testing;

/// <summary>
/// Runs one or more Catga services in a test, connected by an in-memory broker, on a fake clock, and tracks every
/// message an action causes until all of them are handled, failed or dead-lettered. Completion comes from counting
/// in-flight work, never from waiting for quiet: <see cref="TrackAsync(Func{Task})"/> returns as soon as the last
/// effect settles, and its timeout only reports what is still pending. Works under any test framework.
/// One tracked action at a time per harness; use one harness per test.
/// </summary>
public sealed class CatgaTestHarness : IAsyncDisposable
{
    private readonly List<CatgaTestHost> _hosts = [];
    private readonly List<IAsyncDisposable> _stubs = [];
    private readonly MessageFlowTracker _tracker;

    /// <summary>Creates a harness whose clock starts at <paramref name="start"/> (default 2026-01-01 00:00 UTC).</summary>
    /// <param name="start">The clock's start.</param>
    public CatgaTestHarness(DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Broker = new InMemoryBroker(Time);
        _tracker = new MessageFlowTracker(Time, Decode);
        _tracker.UseEventClassifier(IsEvent);
        Broker.Observer = _tracker;
    }

    /// <summary>The clock every host runs on: retries with delay, scheduled messages, leases and saga timeouts move
    /// only when the test advances it (<see cref="AdvanceTimeAsync"/>).</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The broker the hosts share.</summary>
    public InMemoryBroker Broker { get; }

    /// <summary>How long (in real time) a tracked action may take to settle before it fails with
    /// <see cref="TrackedSessionTimeoutException"/> (default 30 s). Only a stuck flow ever waits this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a tracked action moves the clock to a delayed redelivery (a retry with backoff) when nothing
    /// else is in flight (default true), so retries need no manual clock moves. Scheduled messages always wait for
    /// <see cref="AdvanceTimeAsync"/>.</summary>
    public bool AdvanceTimeForRetries { get; set; } = true;

    /// <summary>The hosts started so far.</summary>
    public IReadOnlyList<CatgaTestHost> Hosts => _hosts;

    /// <summary>Starts a service. <paramref name="configure"/> adds its handlers (<c>AddGeneratedHandlers()</c>) and
    /// anything else on the Catga builder (for example <c>UseInMemoryPersistence()</c> for the inbox and outbox); the
    /// harness itself adds the shared in-memory transport, the fake clock and distributed messaging with the service
    /// name, so do not call <c>UseInMemoryTransport</c> or <c>AddDistributedMessaging</c> in it.</summary>
    /// <param name="serviceName">The service name (consumer group).</param>
    /// <param name="configure">Configures the Catga builder.</param>
    /// <param name="messaging">Adjusts the distributed messaging options (consumed messages, retries...).</param>
    /// <param name="services">Adds other services (the handlers' dependencies).</param>
    /// <returns>The running host.</returns>
    public async Task<CatgaTestHost> StartHostAsync(string serviceName, Action<CatgaBuilder> configure, Action<DistributedMessagingOptions>? messaging = null, Action<IServiceCollection>? services = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentNullException.ThrowIfNull(configure);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Time);
        collection.AddLogging();
        services?.Invoke(collection);
        var builder = collection.AddCatga();
        configure(builder);
        if (collection.Any(d => d.ServiceType == typeof(DistributedMessagingOptions)))
        {
            throw new InvalidOperationException($"The configuration of test host '{serviceName}' calls AddDistributedMessaging; the harness adds it (with the service name). Pass options through the 'messaging' argument instead.");
        }

        builder.UseInMemoryTransport(Broker);
        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            messaging?.Invoke(options);
        });
        var provider = collection.BuildServiceProvider();
        if (provider.GetService<IOutboxStore>() is InMemoryOutboxStore outbox)
        {
            outbox.Observer = _tracker;
        }

        if (provider.GetService<IScheduleStore>() is InMemoryScheduleStore schedules)
        {
            _tracker.AddScheduleStore(schedules);
        }

        var host = new CatgaTestHost(serviceName, provider);
        lock (_hosts)
        {
            _hosts.Add(host);
        }

        await host.StartAsync().ConfigureAwait(false);
        return host;
    }

    /// <summary>Runs <paramref name="action"/> and waits until every message it caused has settled.</summary>
    /// <param name="action">Sends, publishes or schedules through a host.</param>
    /// <returns>What happened.</returns>
    public async Task<TrackedSession> TrackAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int start = _tracker.ObservationCount;
        await action().ConfigureAwait(false);
        await _tracker.WaitUntilIdleAsync(Timeout, AdvanceTimeForRetries, start).ConfigureAwait(false);
        return new TrackedSession(_tracker.ObservationsFrom(start));
    }

    /// <summary>Runs <paramref name="action"/> (for example a <c>SendAsync</c> whose result the test checks) and waits
    /// until every message it caused has settled.</summary>
    /// <typeparam name="TResult">The action's result.</typeparam>
    /// <param name="action">Sends, publishes or schedules through a host.</param>
    /// <returns>The action's result and what happened.</returns>
    public async Task<(TResult Result, TrackedSession Session)> TrackAsync<TResult>(Func<Task<TResult>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int start = _tracker.ObservationCount;
        TResult result = await action().ConfigureAwait(false);
        await _tracker.WaitUntilIdleAsync(Timeout, AdvanceTimeForRetries, start).ConfigureAwait(false);
        return (result, new TrackedSession(_tracker.ObservationsFrom(start)));
    }

    /// <summary>Moves the clock forward (firing scheduled messages, delayed retries, timeouts and saga timeouts that
    /// fall due) and waits until everything that caused has settled.</summary>
    /// <param name="by">How far to move the clock.</param>
    /// <returns>What happened.</returns>
    public async Task<TrackedSession> AdvanceTimeAsync(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        int start = _tracker.ObservationCount;
        await WaitForSchedulersToSleepAsync().ConfigureAwait(false);
        Time.Advance(by);
        await _tracker.WaitUntilIdleAsync(Timeout, AdvanceTimeForRetries, start).ConfigureAwait(false);
        return new TrackedSession(_tracker.ObservationsFrom(start));
    }

    /// <summary>Waits until every host's scheduler sleeps on its fake-clock timer. A scheduler that read the clock and
    /// is about to start its timer would otherwise start it after the clock moved, and sleep past a schedule the move
    /// made due.</summary>
    private async Task WaitForSchedulersToSleepAsync()
    {
        CatgaTestHost[] hosts;
        lock (_hosts)
        {
            hosts = [.. _hosts];
        }

        foreach (var host in hosts)
        {
            if (host.IsRunning && host.Services.GetService<MessageScheduler>() is { } scheduler)
            {
                await scheduler.Idle.WaitAsync(Timeout).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Answers every <typeparamref name="TRequest"/> sent to another service with <paramref name="reply"/>
    /// instead of a real handler: the stub consumes the request's destination as service
    /// <paramref name="serviceName"/> (start no host with a real handler for it).</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="serviceName">The stubbed service's name.</param>
    /// <param name="reply">Returns the result (a value or a failure) for a request.</param>
    /// <returns>A task that completes when the stub is consuming.</returns>
    public async Task StubAsync<TRequest, TResponse>(string serviceName, Func<TRequest, CatgaResult<TResponse>> reply)
        where TRequest : class, IRequest<TResponse>, ISerializableRequest<TRequest, TResponse>
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentNullException.ThrowIfNull(reply);
        var host = _hosts.FirstOrDefault() ?? throw new InvalidOperationException("Start the host that sends the request before stubbing it: the stub reads requests with that host's serializer and routing.");
        var registry = host.Services.GetRequiredService<MessageTypeRegistry>();
        var serializer = host.Services.GetRequiredService<IMessageSerializer>();
        var options = host.Services.GetRequiredService<DistributedMessagingOptions>();
        if (!registry.TryGetByType(typeof(TRequest), out var type))
        {
            throw new InvalidOperationException($"{typeof(TRequest).Name} is not in the message registry of host '{host.ServiceName}'.");
        }

        var transport = new InMemoryTransport(Broker);
        var subscription = new TransportSubscription(options.DestinationFor(type), serviceName, SubscriptionMode.Competing);
        var source = await transport.OpenAsync(subscription, CancellationToken.None).ConfigureAwait(false);
        var consumer = ConsumerEngine.Start(source, subscription, async (incoming, cancellationToken) =>
        {
            var request = (TRequest)MessageEnvelope.Read(serializer, type, incoming.Message.Headers, incoming.Message.Body);
            var result = reply(request);
            var body = new ArrayBufferWriter<byte>(64);
            RequestTypeInfo<TRequest, TResponse>.WriteResult(result, body);
            if (incoming.ExpectsReply)
            {
                var headers = new MessageHeaders().Set(MessageHeaderNames.ReplyStatus, result.IsSuccess ? "ok" : "error");
                await incoming.ReplyAsync(new TransportMessage(headers, body.WrittenMemory.ToArray()), cancellationToken).ConfigureAwait(false);
            }

            return DeliveryOutcome.Ack;
        }, Time);
        lock (_hosts)
        {
            _stubs.Add(consumer);
        }
    }

    /// <summary>Stops and disposes every host and stub.</summary>
    /// <returns>A task that completes when all are gone.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var stub in _stubs)
        {
            await stub.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    private CatgaTestHost? HostFor(string? service)
    {
        lock (_hosts)
        {
            return _hosts.FirstOrDefault(h => h.ServiceName == service) ?? _hosts.FirstOrDefault();
        }
    }

    private object? Decode(TransportMessage message, string? service)
    {
        var host = HostFor(service);
        if (host is null || message.MessageType is not { } name)
        {
            return null;
        }

        var registry = host.Services.GetService<MessageTypeRegistry>();
        var serializer = host.Services.GetService<IMessageSerializer>();
        if (registry is null || serializer is null || !registry.TryGetByName(name, out var type))
        {
            return null;
        }

        try
        {
            return MessageEnvelope.Read(serializer, type, message.Headers, message.Body);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
        {
            // A malformed payload is what some tests send on purpose; the observation then has no message.
            return null;
        }
    }

    private bool IsEvent(TransportMessage message, string group)
        => HostFor(group)?.Services.GetService<MessageTypeRegistry>() is { } registry
            && message.MessageType is { } name
            && registry.TryGetByName(name, out var type)
            && type.Kind == MessageKind.Event;
}
