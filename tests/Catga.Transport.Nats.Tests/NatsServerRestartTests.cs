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
        await using var consumer = await consumerSide.SubscribeAsync(
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(2), MaxConcurrency = 2 },
            (message, _) =>
            {
                received.AddOrUpdate(TestMessages.N(message.Message), 1, (_, c) => c + 1);
                return new(DeliveryOutcome.Ack);
            },
            CancellationToken.None);

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
        await Task.Delay(500);
        Assert.NotNull(await consumerSide.CheckHealthAsync(CancellationToken.None));
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
        await using var consumer = await consumerSide.SubscribeAsync(new TransportSubscription(destination, "svc", SubscriptionMode.Competing), TestMessages.Recorder(received), CancellationToken.None);
        await producer.SendAsync(destination, TestMessages.Create(1), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count == 1, "the message before the restart");

        await server.RestartAsync();

        // Sent as soon as the server is back: possibly before the consumer has re-created its durable consumer.
        await producer.SendAsync(destination, TestMessages.Create(2), CancellationToken.None);
        await producer.SendAsync(destination, TestMessages.Create(3), CancellationToken.None);
        await TestMessages.EventuallyAsync(() => received.Count >= 3, "the messages after the restart");
        await Task.Delay(300);
        Assert.Equal([1, 2, 3], received.Select(r => r.N));
    }
}
