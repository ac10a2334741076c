using System.Collections.Concurrent;
using System.Threading.Channels;
using Catga;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Security;
using Catga.Serialization;
using Catga.Transport;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bank;

/// <summary>What the receiving service's handlers were given, as a channel the tests await.</summary>
public sealed class Handled
{
    public Channel<object> Messages { get; } = Channel.CreateUnbounded<object>();
}

public sealed class TransferHandler(Handled handled) : IEventHandler<TransferMade>
{
    public ValueTask HandleAsync(TransferMade @event, CancellationToken cancellationToken) => handled.Messages.Writer.WriteAsync(@event, cancellationToken);
}

public sealed class RefundHandler(Handled handled) : IEventHandler<RefundMade>
{
    public ValueTask HandleAsync(RefundMade @event, CancellationToken cancellationToken) => handled.Messages.Writer.WriteAsync(@event, cancellationToken);
}

public sealed class AuditHandler(Handled handled) : IEventHandler<AuditNoted>
{
    public ValueTask HandleAsync(AuditNoted @event, CancellationToken cancellationToken) => handled.Messages.Writer.WriteAsync(@event, cancellationToken);
}

public sealed class NoteHandler(Handled handled) : IEventHandler<NoteAdded>
{
    public ValueTask HandleAsync(NoteAdded @event, CancellationToken cancellationToken) => handled.Messages.Writer.WriteAsync(@event, cancellationToken);
}

public sealed class BalanceHandler(Handled handled) : IQueryHandler<GetBalance, Balance>
{
    public async ValueTask<CatgaResult<Balance>> HandleAsync(GetBalance query, CancellationToken cancellationToken)
    {
        await handled.Messages.Writer.WriteAsync(query, cancellationToken);
        return CatgaResult<Balance>.Success(new Balance(query.Account, 1234.56m));
    }
}

public sealed class StatementHandler(Handled handled) : IQueryHandler<GetStatement, string>
{
    public async ValueTask<CatgaResult<string>> HandleAsync(GetStatement query, CancellationToken cancellationToken)
    {
        await handled.Messages.Writer.WriteAsync(query, cancellationToken);
        return CatgaResult<string>.Success($"statement of {query.Account}: 3 transfers");
    }
}

public sealed class PlainHandler : IQueryHandler<GetPlain, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(GetPlain query, CancellationToken cancellationToken) => new(CatgaResult<int>.Success(query.Id.Length));
}

/// <summary>The dead-letter store of the receiver, signalling each letter so tests await it instead of polling.</summary>
public sealed class SignallingDeadLetters : IDeadLetterStore
{
    private readonly InMemoryDeadLetterStore _inner = new();

    public Channel<DeadLetter> Added { get; } = Channel.CreateUnbounded<DeadLetter>();

    public async ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await _inner.AddAsync(letter, cancellationToken);
        await Added.Writer.WriteAsync(letter, cancellationToken);
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken) => _inner.ListAsync(skip, take, cancellationToken);

    public ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) => _inner.DeleteAsync(id, cancellationToken);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => _inner.CountAsync(cancellationToken);

    public ValueTask<long> PurgeAsync(CancellationToken cancellationToken) => _inner.PurgeAsync(cancellationToken);
}

/// <summary>
/// A sending and a receiving service over one in-memory broker, each with its own key provider, plus a spy subscribed
/// to the same destinations that keeps the raw transport messages (what an attacker on the wire would see).
/// </summary>
public sealed class SecurityHarness : IAsyncDisposable
{
    private static readonly string[] s_destinations = ["bank.transfer", "bank.refund", "bank.audit", "bank.note"];
    private readonly List<IHostedService> _hosted = [];
    private readonly List<IDeliverySource> _spies = [];
    private readonly List<Task> _spyLoops = [];
    private readonly CancellationTokenSource _stop = new();

    private SecurityHarness(ServiceProvider sender, ServiceProvider receiver)
    {
        Sender = sender;
        Receiver = receiver;
    }

    public ServiceProvider Sender { get; }

    public ServiceProvider Receiver { get; }

    public Handled Handled => Receiver.GetRequiredService<Handled>();

    public SignallingDeadLetters DeadLetters => (SignallingDeadLetters)Receiver.GetRequiredService<IDeadLetterStore>();

    public Channel<TransportMessage> Wire { get; } = Channel.CreateUnbounded<TransportMessage>();

    public ICatgaMediator Mediator => Sender.GetRequiredService<ICatgaMediator>();

    public static Task<SecurityHarness> StartAsync(IMessageKeyProvider senderKeys, IMessageKeyProvider receiverKeys, Action<MessageSecurityOptions>? configure = null)
    {
        var broker = new InMemoryBroker();
        return StartAsync(builder => builder.UseInMemoryTransport(broker), senderKeys, receiverKeys, configure);
    }

    /// <summary>Starts both services over the transport <paramref name="useTransport"/> registers (called once per service).</summary>
    public static async Task<SecurityHarness> StartAsync(Action<CatgaBuilder> useTransport, IMessageKeyProvider senderKeys, IMessageKeyProvider receiverKeys, Action<MessageSecurityOptions>? configure = null)
    {
        var harness = new SecurityHarness(Service(useTransport, senderKeys, configure, sender: true), Service(useTransport, receiverKeys, configure, sender: false));
        foreach (var service in harness.Sender.GetServices<IHostedService>().Concat(harness.Receiver.GetServices<IHostedService>()))
        {
            await service.StartAsync(CancellationToken.None);
            harness._hosted.Add(service);
        }

        var transport = harness.Sender.GetRequiredService<IMessageTransport>();
        foreach (var destination in s_destinations)
        {
            var source = await transport.OpenAsync(new TransportSubscription(destination, "spy", SubscriptionMode.Broadcast), CancellationToken.None);
            harness._spies.Add(source);
            harness._spyLoops.Add(harness.SpyAsync(source));
        }

        return harness;
    }

    /// <summary>Copies every message the spy's subscription receives to <see cref="Wire"/>.</summary>
    private async Task SpyAsync(IDeliverySource source)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var incoming in await source.FetchAsync(16, _stop.Token))
                {
                    await Wire.Writer.WriteAsync(incoming.Message, _stop.Token);
                    await source.SettleAsync(incoming, DeliveryOutcome.Ack, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends a raw transport message, as an attacker or a misconfigured peer would.</summary>
    public ValueTask SendRawAsync(string destination, TransportMessage message)
        => Sender.GetRequiredService<IMessageTransport>().SendAsync(destination, message, CancellationToken.None);

    public async Task<TransportMessage> NextOnWireAsync() => await Wire.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<object> NextHandledAsync() => await Handled.Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<DeadLetter> NextDeadLetterAsync() => await DeadLetters.Added.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_spyLoops);
        foreach (var spy in _spies)
        {
            await spy.DisposeAsync();
        }

        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await Sender.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private static ServiceProvider Service(Action<CatgaBuilder> useTransport, IMessageKeyProvider keys, Action<MessageSecurityOptions>? configure, bool sender)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new Handled());
        var builder = services.AddCatga().AddGeneratedHandlers()
            .UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry)
            .UseMessageSecurity(o =>
            {
                o.Keys = keys;
                configure?.Invoke(o);
            });
        useTransport(builder);
        builder
            .AddDistributedMessaging(o =>
            {
                o.ServiceName = sender ? "teller" : "ledger";
                o.ConsumeAllDistributed = false;
                if (sender)
                {
                    o.Publish<TransferMade>().Publish<RefundMade>().Publish<AuditNoted>().Publish<NoteAdded>();
                    o.Route<GetBalance>().Route<GetStatement>();
                }
                else
                {
                    o.Consume<TransferMade>().Consume<RefundMade>().Consume<AuditNoted>().Consume<NoteAdded>();
                    o.Consume<GetBalance>().Consume<GetStatement>();
                }
            });
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterStore>(new SignallingDeadLetters()));
        return services.BuildServiceProvider();
    }
}
