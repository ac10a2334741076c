using System.Collections.Concurrent;
using Catga.TestInfrastructure;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats.Tests;

/// <summary>kill -9 of the server while messages flow, then a restart on the same port with the same store.</summary>
public sealed class NatsServerRestartTests
{
    [Fact]
    public async Task Every_completed_send_is_delivered_after_a_server_crash_and_the_consumer_resumes_by_itself()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var natsOptions = server.Options();
        await using var producer = new NatsTransport(new NatsConnection(natsOptions), ownsConnection: true);
        await using var consumerSide = new NatsTransport(new NatsConnection(natsOptions), ownsConnection: true);
        string destination = TestMessages.Destination("crash");
        var received = new ConcurrentDictionary<int, int>();
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(2), MaxConcurrency = 2 };
        await using var consumer = ConsumerEngine.Start(
            await consumerSide.OpenAsync(subscription, CancellationToken.None),
            subscription,
            (message, _) =>
            {
                received.AddOrUpdate(TestMessages.N(message.Message), 1, (_, c) => c + 1);
                return new(DeliveryOutcome.Ack);
            });

        var completed = new ConcurrentBag<int>();
        const int count = 400;
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                await producer.SendAsync(destination, TestMessages.Create(i), CancellationToken.None);
                completed.Add(i);
                if (i % 4 == 0)
                {
                    await Task.Delay(5);
                }
            }
        });

        await TestMessages.EventuallyAsync(() => completed.Count >= 100, "messages flowing");
        await server.KillAsync();
        int completedAtKill = completed.Count;
        await TestMessages.EventuallyAsync(() => consumerSide.CheckHealthAsync(CancellationToken.None).AsTask().Result is not null, "the outage reported by health");
        await server.StartAsync();

        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(count, completed.Count);
        Assert.True(completedAtKill < count, $"the server died while sends were still to come ({completedAtKill} completed)");
        await TestMessages.EventuallyAsync(() => completed.All(received.ContainsKey), "every completed send delivered", seconds: 30);
        Assert.True(received.Keys.Max() == count - 1, "the consumer resumed after the restart");
        await TestMessages.EventuallyAsync(() => consumerSide.CheckHealthAsync(CancellationToken.None).AsTask().Result is null, "healthy again", seconds: 10);
    }

    [Fact]
    public async Task A_memory_stream_lost_in_a_restart_is_recreated_and_the_consumer_resumes()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var natsOptions = server.Options();
        var options = new NatsTransportOptions { StreamStorage = StreamConfigStorage.Memory, StreamName = "VOLATILE" };
        await using var producer = new NatsTransport(new NatsConnection(natsOptions), options, ownsConnection: true);
        await using var consumerSide = new NatsTransport(new NatsConnection(natsOptions), options, ownsConnection: true);
        string destination = TestMessages.Destination("volatile");
        var received = new ConcurrentQueue<(int N, int DeliveryCount)>();
        var subscription = new TransportSubscription(destination, "svc", SubscriptionMode.Competing);
        await using var consumer = ConsumerEngine.Start(await consumerSide.OpenAsync(subscription, CancellationToken.None), subscription, TestMessages.Recorder(received));
        await producer.SendAsync(destination, TestMessages.Create(1), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count == 1, "the message before the restart");

        await server.RestartAsync();

        // Sent as soon as the server is back: possibly before the consumer has re-created its durable consumer.
        await producer.SendAsync(destination, TestMessages.Create(2), CancellationToken.None);
        await producer.SendAsync(destination, TestMessages.Create(3), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count >= 3, "the messages after the restart");

        // The re-created consumer has delivered and seen acknowledged everything the new stream holds, once each.
        var settled = await TestMessages.ConsumerReachesAsync(producer, "svc", destination, c => c.NumPending == 0 && c.NumAckPending == 0, "both messages acknowledged");
        Assert.Equal(2UL, settled.Delivered.ConsumerSeq);
        Assert.Equal([1, 2, 3], received.Select(r => r.N));
    }
}
