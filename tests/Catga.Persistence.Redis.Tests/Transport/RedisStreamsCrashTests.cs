using System.Collections.Concurrent;
using Catga.Persistence.Redis.Transport;
using Catga.Redis.Tests.Infrastructure;
using Catga.Transport;
using Eventually = Catga.Transport.Conformance.Eventually;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>The server is killed with SIGKILL while messages flow and restarted on the same port and data directory.</summary>
public sealed class RedisStreamsCrashTests
{
    [Fact]
    public async Task Kill_9_while_messages_flow_loses_no_completed_send_and_the_consumer_resumes_by_itself()
    {
        await using var server = await RedisServer.StartAsync(["appendonly yes", "appendfsync always"]);
        await using var transports = new StreamsTransports(server);
        var producer = await transports.ConnectAsync();
        var consumerSide = await transports.ConnectAsync();
        string destination = $"crash.{Guid.NewGuid():N}";
        var received = new ConcurrentDictionary<int, int>();
        await using var consumer = await consumerSide.SubscribeAsync(
            new TransportSubscription(destination, "svc", SubscriptionMode.Competing) { AckTimeout = TimeSpan.FromSeconds(1), MaxConcurrency = 2 },
            (message, _) =>
            {
                received.AddOrUpdate(int.Parse(message.Message.Headers["x-n"]!, System.Globalization.CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                return new(DeliveryOutcome.Ack);
            },
            CancellationToken.None);

        var completed = new ConcurrentBag<int>();
        int failed = 0;
        using var stopSending = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            for (int n = 0; !stopSending.IsCancellationRequested; n++)
            {
                var message = new TransportMessage(new MessageHeaders().Set("x-n", n.ToString(System.Globalization.CultureInfo.InvariantCulture)), new byte[] { 1, 2, 3 });
                try
                {
                    await producer.SendAsync(destination, message, CancellationToken.None);
                    completed.Add(n);
                }
                catch (TransportException)
                {
                    // Not acknowledged: it may or may not have been stored; either way it is not counted.
                    Interlocked.Increment(ref failed);
                    await Task.Delay(20);
                }
            }
        });

        await Eventually.TrueAsync(() => completed.Count >= 200, "200 sends before the crash");
        await server.KillAsync();
        await Task.Delay(300);
        await server.StartProcessAsync();
        int afterRestart = completed.Count;
        await Eventually.TrueAsync(() => completed.Count >= afterRestart + 200, "200 sends after the restart");
        await stopSending.CancelAsync();
        await sending;

        int[] expected = [.. completed];
        await Eventually.TrueAsync(() => expected.All(received.ContainsKey), $"all {expected.Length} completed sends delivered", TimeSpan.FromSeconds(30));
        Assert.True(received.Keys.Max() >= afterRestart, "the consumer resumed after the restart");
    }

    [Fact]
    public async Task Health_check_names_the_server_that_does_not_answer()
    {
        await using var server = await RedisServer.StartAsync();
        await using var transports = new StreamsTransports(server);
        var transport = await transports.ConnectAsync(o => o.HealthCheckTimeout = TimeSpan.FromMilliseconds(500));
        Assert.Null(await transport.CheckHealthAsync(CancellationToken.None));
        await server.KillAsync();
        string? problem = await transport.CheckHealthAsync(CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains($"127.0.0.1:{server.Port}", problem, StringComparison.Ordinal);
        await server.StartProcessAsync();
        await StreamsEventually.TrueAsync(async () => await transport.CheckHealthAsync(CancellationToken.None) is null, "healthy again");
    }
}
