using Catga.DeadLetters;
using Catga.Diagnostics;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Runtime;
using Catga.Serialization;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Distributed;

/// <summary>
/// Starts and stops distributed messaging with the host: validates the configuration (failing startup with every
/// problem named), subscribes one consumer per consumed message type, and runs the outbox relay. Stopping stops
/// fetching, lets in-flight handlers finish within the host's shutdown timeout, then stops the relay.
/// </summary>
internal sealed class CatgaMessagingHost : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly DistributedMessagingOptions _options;
    private readonly List<(MessageConsumer Consumer, ITransportConsumer Running)> _consumers = [];
    private CancellationTokenSource? _relayStop;
    private Task? _relayTask;
    private CancellationTokenSource? _lagStop;
    private Task? _lagTask;
    private int _started;

    public CatgaMessagingHost(IServiceProvider services, DistributedMessagingOptions options)
    {
        _services = services;
        _options = options;
    }

    public OutboxRelay? Relay { get; private set; }

    public IReadOnlyList<(MessageConsumer Consumer, ITransportConsumer Running)> Consumers => _consumers;

    public bool IsRunning => Volatile.Read(ref _started) == 1;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        var transport = _services.GetService<IMessageTransport>()
            ?? throw new InvalidOperationException("Catga distributed messaging has no transport: call UseInMemoryTransport(), UseNatsTransport(...) or UseRedisStreamsTransport(...) on the Catga builder.");
        var registry = _services.GetService<MessageTypeRegistry>()
            ?? throw new InvalidOperationException("Catga distributed messaging has no message registry: call AddGeneratedHandlers() (it registers Catga.Generated.CatgaMessageTypes.Registry), UseBinarySerializer(...) or UseJsonSerializer(...) on the Catga builder.");
        var serializer = _services.GetRequiredService<IMessageSerializer>();
        var runtime = _services.GetRequiredService<CatgaRuntime>();
        var router = _services.GetRequiredService<OutboundRouter>();
        var deadLetters = _services.GetRequiredService<IDeadLetterStore>();
        var inbox = _options.UseInbox ? _services.GetService<IInboxStore>() : null;
        var outbox = _options.UseOutbox ? _services.GetService<IOutboxStore>() : null;
        var time = _services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = _services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Catga.Distributed");

        var problems = new List<string>();
        var selected = new List<(MessageTypeInfo Type, ResolvedConsumerOptions Options)>();
        foreach (var type in registry.Types)
        {
            // An older version is consumed when its current version is handled here: its payloads are converted on arrival.
            var handled = type.CurrentVersion ?? type.Type;
            bool handledHere = type.Kind == MessageKind.Event ? runtime.HasEventHandlers(handled) : runtime.HasRequestHandler(handled);
            bool named = _options.ExplicitConsume.Contains(type.Name);
            if (named && !handledHere)
            {
                problems.Add($"Consume<{type.Type.Name}>() was called but this process has no handler for {type.Name}.");
                continue;
            }

            if (!handledHere || !(named || (_options.ConsumeAllDistributed && type.IsDistributed && !_options.IsRouted(type))))
            {
                continue;
            }

            if (type.Kind == MessageKind.StreamRequest)
            {
                problems.Add($"{type.Name} is a stream request; streams run in process only and cannot be consumed from a transport.");
                continue;
            }

            if (type.Kind is MessageKind.Command or MessageKind.Query && type.ResponseType is null)
            {
                problems.Add($"{type.Name} cannot be consumed from a transport: its result type has no wire format.");
                continue;
            }

            try
            {
                var resolved = _options.Resolve(type);
                if (inbox is not null && _options.InboxLease < resolved.AckTimeout)
                {
                    // The transport would hand a running message to another consumer only after AckTimeout, but the
                    // claim would expire before that: a second run could start while the first still holds the message.
                    problems.Add($"DistributedMessagingOptions.InboxLease ({_options.InboxLease}) is shorter than the AckTimeout of {type.Name} ({resolved.AckTimeout}, ConsumerOptions.AckTimeout); set InboxLease to at least the AckTimeout.");
                    continue;
                }

                selected.Add((type, resolved));
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Catga distributed messaging cannot start:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", problems));
        }

        try
        {
            foreach (var (type, options) in selected)
            {
                string destination = _options.DestinationFor(type);
                var subscription = MessageConsumer.CreateSubscription(type, destination, options, _options);
                var source = await transport.OpenAsync(subscription, cancellationToken).ConfigureAwait(false);
                var consumer = new MessageConsumer(runtime, type, subscription, source.Capabilities, serializer, registry, options, _options, inbox, captureOutbox: outbox is not null, deadLetters, router, time, logger);
                var running = ConsumerEngine.Start(source, subscription, consumer.HandleAsync, time, logger);
                _consumers.Add((consumer, running));
                CatgaLog.ConsumerStarted(logger, destination, _options.ServiceName, transport.Name);
            }
        }
        catch
        {
            await StopConsumersAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        router.SetConsumed(selected.Select(s => s.Type.Type));
        if (outbox is not null && _options.OutboxRelay.Enabled)
        {
            var @lock = _services.GetRequiredService<IDistributedLock>();
            Relay = new OutboxRelay(outbox, @lock, transport, _options.OutboxRelay, time, logger, _services.GetService<Scheduling.IScheduleStore>());
            router.OutboxWritten += Relay.Signal;
            _relayStop = new CancellationTokenSource();
            _relayTask = Task.Run(() => Relay.RunAsync(_relayStop.Token), CancellationToken.None);
        }

        _lagStop = new CancellationTokenSource();
        _lagTask = Task.Run(() => MaintainAsync(inbox, time, _lagStop.Token), CancellationToken.None);
        CatgaInstrumentation.TrackHost(this);
        Volatile.Write(ref _started, 1);
    }

    /// <summary>Reads consumer lag every <see cref="DistributedMessagingOptions.LagPollInterval"/> and removes expired
    /// inbox records every <see cref="DistributedMessagingOptions.InboxCleanupInterval"/>.</summary>
    private async Task MaintainAsync(IInboxStore? inbox, TimeProvider time, CancellationToken stopping)
    {
        long cleanupDue = time.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            if (inbox is not null && time.GetTimestamp() >= cleanupDue)
            {
                cleanupDue = time.GetTimestamp() + (long)(_options.InboxCleanupInterval.TotalSeconds * time.TimestampFrequency);
                try
                {
                    await inbox.CleanupAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // The store is unreachable: the health check reports that; try again next time.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            foreach (var (consumer, running) in _consumers.ToArray())
            {
                try
                {
                    consumer.LastLag = await running.GetLagAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // The server is unreachable: the health check reports that; keep the last value.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                var wait = _options.LagPollInterval < _options.InboxCleanupInterval ? _options.LagPollInterval : _options.InboxCleanupInterval;
                await Task.Delay(wait, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 0) == 0 && _consumers.Count == 0 && _relayTask is null)
        {
            return;
        }

        CatgaInstrumentation.UntrackHost(this);
        if (_lagStop is not null && _lagTask is not null)
        {
            await _lagStop.CancelAsync().ConfigureAwait(false);
            await _lagTask.ConfigureAwait(false);
            _lagStop.Dispose();
            _lagStop = null;
            _lagTask = null;
        }

        // Consumers first: handlers still running may write to the outbox, which the relay then sends.
        await StopConsumersAsync(cancellationToken).ConfigureAwait(false);
        if (_relayStop is not null && _relayTask is not null)
        {
            await _relayStop.CancelAsync().ConfigureAwait(false);
            await _relayTask.ConfigureAwait(false);
            _relayStop.Dispose();
            _relayStop = null;
            _relayTask = null;
        }
    }

    private async Task StopConsumersAsync(CancellationToken cancellationToken)
    {
        var stopping = new List<Task>(_consumers.Count);
        foreach (var (_, running) in _consumers)
        {
            stopping.Add(running.StopAsync(cancellationToken));
        }

        await Task.WhenAll(stopping).ConfigureAwait(false);
        foreach (var (_, running) in _consumers)
        {
            await running.DisposeAsync().ConfigureAwait(false);
        }

        _consumers.Clear();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
