using System.Diagnostics;
using Catga.TestInfrastructure;
using NATS.Client.Core;

namespace Catga.Transport.Nats.Tests;

/// <summary>During an outage the client would wait for the reconnect forever; every transport call must instead fail
/// with a clear <see cref="TransportTimeoutException"/> at its deadline. And the max payload is never taken blindly
/// from the server.</summary>
public sealed class NatsDeadlineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task Sends_requests_and_acks_during_an_outage_fail_with_a_timeout_naming_the_lost_connection_instead_of_hanging()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var options = new NatsTransportOptions
        {
            CommandTimeout = Deadline,
            PublishRetryTimeout = Deadline,
            JetStreamTimeout = TimeSpan.FromSeconds(2),
            DeliveryModeSelector = d => d.StartsWith("Tests.core.", StringComparison.Ordinal) ? NatsDeliveryMode.Core : null,
        };
        var natsOpts = server.Options() with { ReconnectWaitMin = TimeSpan.FromSeconds(30), ReconnectWaitMax = TimeSpan.FromSeconds(30) };
        await using var transport = new NatsTransport(new NatsConnection(natsOpts), options, ownsConnection: true);
        string durable = TestMessages.Destination("outage");
        string core = TestMessages.Destination("core");
        var source = await transport.OpenAsync(new TransportSubscription(durable, "svc", SubscriptionMode.Competing), CancellationToken.None);
        await transport.SendAsync(durable, TestMessages.Create(1), CancellationToken.None);
        IReadOnlyList<IncomingMessage> fetched = [];
        for (int i = 0; i < 50 && fetched.Count == 0; i++)
        {
            fetched = await source.FetchAsync(1, CancellationToken.None);
        }

        Assert.Single(fetched);
        await server.KillAsync();

        await AssertTimesOutAsync(() => transport.SendAsync(durable, TestMessages.Create(2), CancellationToken.None).AsTask(), "Sending to");
        await AssertTimesOutAsync(() => transport.SendAsync(core, TestMessages.Create(3), CancellationToken.None).AsTask(), "Sending to");
        await AssertTimesOutAsync(() => transport.RequestAsync(durable, TestMessages.Create(4), Deadline, CancellationToken.None).AsTask(), durable);
        await AssertTimesOutAsync(() => source.SettleAsync(fetched[0], DeliveryOutcome.Ack, CancellationToken.None).AsTask(), "Settling");
        await AssertTimesOutAsync(() => source.ExtendAsync(fetched[0], CancellationToken.None).AsTask(), "Extending");
        Assert.NotNull(await transport.CheckHealthAsync(CancellationToken.None));

        var stop = Stopwatch.StartNew();
        await source.DisposeAsync();
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), $"closing the source during the outage took {stop.Elapsed}");
    }

    [Fact]
    public async Task The_max_payload_is_the_smaller_of_the_servers_and_the_cap_and_an_oversize_send_fails_naming_the_sizes()
    {
        await using var server = await NatsServerProcess.StartAsync(config: "max_payload: 2097152\n");
        var connection = new NatsConnection(server.Options());
        await connection.ConnectAsync();
        await using (var uncapped = new NatsTransport(connection, ownsConnection: false))
        {
            Assert.Equal(2 * 1024 * 1024, uncapped.MaxPayloadBytes);
        }

        await using var transport = new NatsTransport(connection, new NatsTransportOptions { MaxPayloadLimit = 1024 * 1024 }, ownsConnection: true);
        Assert.Equal(1024 * 1024, transport.MaxPayloadBytes);
        string destination = TestMessages.Destination("big");
        var big = new TransportMessage(TestMessages.Create(1).Headers, new byte[1024 * 1024]);
        var ex = await Assert.ThrowsAsync<MessageTooLargeException>(async () => await transport.SendAsync(destination, big, CancellationToken.None));
        Assert.Equal((destination, 1024L * 1024), (ex.Destination, ex.Limit));
        Assert.True(ex.Size > ex.Limit);
        Assert.Contains(destination, ex.Message, StringComparison.Ordinal);
        Assert.Contains("1048576 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxPayloadLimit", ex.Message, StringComparison.Ordinal);

        // One oversize message refuses the whole batch before anything is sent.
        var batch = await Assert.ThrowsAsync<MessageTooLargeException>(async () => await transport.SendBatchAsync(destination, [TestMessages.Create(2), big], CancellationToken.None));
        Assert.Contains(destination, batch.Message, StringComparison.Ordinal);
        await transport.EnsureStreamAsync(CancellationToken.None);
        var stream = await transport.JetStream.GetStreamAsync("CATGA");
        Assert.Equal(0, stream.Info.State.Messages);

        // The check alone (what Catga runs before writing to an outbox) says the same, without sending.
        await Assert.ThrowsAsync<MessageTooLargeException>(async () => await transport.ValidateSendAsync(destination, big, CancellationToken.None));

        // Just under the limit goes through.
        await transport.ValidateSendAsync(destination, new TransportMessage(TestMessages.Create(3).Headers, new byte[(1024 * 1024) - 512]), CancellationToken.None);
        await transport.SendAsync(destination, new TransportMessage(TestMessages.Create(3).Headers, new byte[(1024 * 1024) - 512]), CancellationToken.None);
    }

    private static async Task AssertTimesOutAsync(Func<Task> call, string named)
    {
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportTimeoutException>(call).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the call took {watch.Elapsed} to fail");
    }
}
