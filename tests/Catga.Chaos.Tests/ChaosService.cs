using Catga.Distributed;
using Catga.TestInfrastructure;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Catga.Chaos.Tests;

/// <summary>One in-process Catga service over the run's nats-server, with Redis stores or none.</summary>
public sealed class ChaosService : IAsyncDisposable
{
    private readonly StackExchange.Redis.ConnectionMultiplexer? _redis;
    private bool _stopped;

    private ChaosService(ServiceProvider provider, StackExchange.Redis.ConnectionMultiplexer? redis)
    {
        Provider = provider;
        _redis = redis;
    }

    public ServiceProvider Provider { get; }

    public ICatgaBus Bus => Provider.GetRequiredService<ICatgaBus>();

    public DeadLetterManager DeadLetters => Provider.GetRequiredService<DeadLetterManager>();

    /// <summary>Builds (and unless <paramref name="start"/> is false, starts) a service. <paramref name="handlers"/>
    /// registers this assembly's handlers; <paramref name="redis"/> adds the Redis inbox, outbox, lock and dead-letter
    /// stores under the service's own key prefix.</summary>
    public static async Task<ChaosService> StartAsync(
        string name,
        string prefix,
        NatsServerProcess nats,
        RedisServer? redis,
        bool handlers,
        Action<IServiceCollection>? services = null,
        Action<DistributedMessagingOptions>? configure = null,
        bool start = true)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        var builder = collection.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        builder.UseNatsTransport(
            nats.Options(),
            o =>
            {
                o.SubjectPrefix = ChaosNames.Subjects(prefix);
                o.StreamName = ChaosNames.Stream(prefix);
                o.RequestSubjectPrefix = "rpc-" + ChaosNames.Subjects(prefix);
            });
        StackExchange.Redis.ConnectionMultiplexer? client = null;
        if (redis is not null)
        {
            // Generous timeouts: commands issued while redis-server restarts wait for the reconnect.
            client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
                $"127.0.0.1:{redis.Port},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000");
            builder.UseRedisPersistence(client, o => o.KeyPrefix = ChaosNames.Keys(prefix, name));
        }

        builder.AddDistributedMessaging(o =>
        {
            o.ServiceName = name;
            o.InboxLease = TimeSpan.FromSeconds(4);
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(3);
            o.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            o.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        var service = new ChaosService(collection.BuildServiceProvider(), client);
        if (start)
        {
            foreach (var hosted in service.Provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }
        }
        else
        {
            service._stopped = true;
        }

        return service;
    }

    /// <summary>Consume only <typeparamref name="TMessage"/> (this test assembly has handlers for several).</summary>
    public static void OnlyConsume<TMessage>(DistributedMessagingOptions options)
        where TMessage : ISerializableMessage<TMessage>
    {
        options.ConsumeAllDistributed = false;
        options.Consume<TMessage>();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
            {
                await hosted.StopAsync(deadline.Token);
            }
        }

        await Provider.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
