using System.Collections.Concurrent;
using System.Globalization;
using Catga.TestInfrastructure;
using Catga.Transport;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>The server is killed with SIGKILL while messages flow and restarted on the same port and data directory
/// (AOF, fsync always).</summary>
public sealed class RedisStreamsCrashTests
{
    [Fact(Timeout = 90_000)]
    public async Task Kill_9_while_messages_flow_loses_no_completed_send_and_the_consumer_resumes_by_itself()
    {
        await using RedisServer server = await RedisServer.StartAsync(["appendonly yes", "appendfsync always"]);
        await using var transports = new StreamsTransports(() => server.ConnectAsync(TimeSpan.FromSeconds(2)));
        var producer = await transports.ConnectAsync();
        var consumerSide = await transports.ConnectAsync();
        string destination = $"crash.{Guid.NewGuid():N}";
        await using IDeliverySource source = await consumerSide.OpenAsync(
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);

        var received = new ConcurrentDictionary<int, int>();
        int[]? expected = null;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopConsuming = new CancellationTokenSource();
        Task consuming = Task.Run(async () =>
        {
            while (!stopConsuming.IsCancellationRequested)
            {
                IReadOnlyList<IncomingMessage> batch;
                try
                {
                    batch = await source.FetchAsync(16, stopConsuming.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                foreach (IncomingMessage message in batch)
                {
                    received.AddOrUpdate(int.Parse(message.Message.Headers["x-n"]!, CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                    try
                    {
                        await source.SettleAsync(message, DeliveryOutcome.Ack, CancellationToken.None);
                    }
                    catch (TransportException)
                    {
                        // Left pending: reclaimed after the ack timeout and delivered again.
                    }
                }

                if (Volatile.Read(ref expected) is { } all && all.All(received.ContainsKey))
                {
                    allReceived.TrySetResult();
                }
            }
        });

        var completed = new ConcurrentBag<int>();
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enoughAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int afterRestart = int.MaxValue;
        Task sending = Task.Run(async () =>
        {
            for (int n = 0; !enoughAfter.Task.IsCompleted; n++)
            {
                var message = new TransportMessage(new MessageHeaders().Set("x-n", n.ToString(CultureInfo.InvariantCulture)), new byte[] { 1, 2, 3 });
                try
                {
                    await producer.SendAsync(destination, message, CancellationToken.None);
                    completed.Add(n);
                    if (completed.Count == 200)
                    {
                        crashed.TrySetResult();
                    }

                    if (restarted.Task.IsCompleted && n >= Volatile.Read(ref afterRestart) + 200)
                    {
                        enoughAfter.TrySetResult();
                    }
                }
                catch (TransportException)
                {
                    // Not acknowledged: it may or may not have been stored; either way it is not counted.
                    await Task.Yield();
                }
            }
        });

        await crashed.Task;
        await server.KillAsync();
        await server.StartProcessAsync();
        Volatile.Write(ref afterRestart, completed.Count == 0 ? 0 : completed.Max());
        restarted.TrySetResult();
        await enoughAfter.Task.WaitAsync(TimeSpan.FromSeconds(40));
        await sending;

        int[] sent = [.. completed];
        Volatile.Write(ref expected, sent);
        try
        {
            // The consumer checks after each fetch (an idle fetch returns after its batch wait).
            await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{sent.Count(n => !received.ContainsKey(n))} of {sent.Length} completed sends were not delivered");
        }

        await stopConsuming.CancelAsync();
        await consuming;
        Assert.True(received.Keys.Max() > afterRestart, "the consumer resumed after the restart");
    }

    [Fact(Timeout = 30_000)]
    public async Task Health_check_names_the_problem_when_the_server_does_not_answer()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using var transports = new StreamsTransports(() => server.ConnectAsync(TimeSpan.FromSeconds(1)));
        var transport = await transports.ConnectAsync(o => o.HealthCheckTimeout = TimeSpan.FromMilliseconds(500));
        Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        await server.KillAsync();
        string? problem = await transport.CheckHealthAsync(CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains($"127.0.0.1:{server.Port}", problem, StringComparison.Ordinal);
    }
}
