using System.Diagnostics;
using Catga.Nats.JetStream;

namespace Catga.Nats.Tests;

public sealed class JetStreamConsumerTests
{
    private static async Task<(NatsServerProcess Server, NatsConnection Connection, NatsJetStream Js)> StartAsync(ConsumerConfig consumer, int messages, CancellationToken token)
    {
        var server = await NatsServerProcess.StartAsync();
        var connection = await NatsConnection.ConnectAsync(server.Options(), token);
        var js = new NatsJetStream(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "JOBS", Subjects = ["jobs.>"] }, token);
        for (var i = 1; i <= messages; i++)
        {
            await js.PublishAsync($"jobs.{i}", System.Text.Encoding.UTF8.GetBytes($"job-{i}"), cancellationToken: token);
        }

        await js.CreateOrUpdateConsumerAsync("JOBS", consumer, token);
        return (server, connection, js);
    }

    private static async Task<List<JetStreamMsg>> FetchAllAsync(NatsJetStream js, FetchOptions options, CancellationToken token)
    {
        var messages = new List<JetStreamMsg>();
        await foreach (var message in js.FetchAsync("JOBS", "worker", options, token))
        {
            messages.Add(message);
        }

        return messages;
    }

    [Fact]
    public async Task Consumers_can_be_created_read_updated_and_deleted_with_ack_wait_max_deliver_and_backoff()
    {
        using var guard = Eventually.Guard();
        var config = new ConsumerConfig
        {
            DurableName = "worker",
            AckWait = TimeSpan.FromSeconds(3),
            MaxDeliver = 4,
            Backoff = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)],
            FilterSubject = "jobs.>",
            MaxAckPending = 50,
        };
        var (server, connection, js) = await StartAsync(config, 3, guard.Token);
        await using var s = server;
        await using var c = connection;

        var info = await js.GetConsumerAsync("JOBS", "worker", guard.Token);
        Assert.Equal("JOBS", info.StreamName);
        Assert.Equal("worker", info.Name);
        Assert.Equal(AckPolicy.Explicit, info.Config.AckPolicy);
        Assert.Equal(4, info.Config.MaxDeliver);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], info.Config.Backoff!);
        Assert.Equal(3, info.NumPending);

        var updated = await js.CreateOrUpdateConsumerAsync("JOBS", config with { Description = "updated", MaxAckPending = 10 }, guard.Token);
        Assert.Equal("updated", updated.Config.Description);
        Assert.Equal(10, updated.Config.MaxAckPending);

        await js.DeleteConsumerAsync("JOBS", "worker", guard.Token);
        var missing = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.GetConsumerAsync("JOBS", "worker", guard.Token));
        Assert.Equal(404, missing.Code);
    }

    [Fact]
    public async Task Fetch_returns_a_batch_with_metadata_and_acked_messages_are_not_redelivered()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 25, guard.Token);
        await using var s = server;
        await using var c = connection;

        var batch = await FetchAllAsync(js, new FetchOptions { MaxMessages = 10 }, guard.Token);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"job-{i}"), batch.Select(m => m.GetString()));
        var first = batch[0].Metadata;
        Assert.Equal("JOBS", first.Stream);
        Assert.Equal("worker", first.Consumer);
        Assert.Equal(1, first.NumDelivered);
        Assert.Equal(1, first.StreamSequence);
        Assert.Equal(1, first.ConsumerSequence);
        Assert.Equal(24, first.NumPending);
        Assert.InRange(first.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal("jobs.1", batch[0].Subject);

        foreach (var message in batch)
        {
            await message.AckAsync(guard.Token);
        }

        var rest = await FetchAllAsync(js, new FetchOptions { MaxMessages = 100, NoWait = true }, guard.Token);
        Assert.Equal(Enumerable.Range(11, 15).Select(i => $"job-{i}"), rest.Select(m => m.GetString()));
    }

    [Fact]
    public async Task Fetch_with_no_wait_on_an_empty_consumer_ends_at_once_on_the_404_status()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 0, guard.Token);
        await using var s = server;
        await using var c = connection;
        var clock = Stopwatch.StartNew();

        var batch = await FetchAllAsync(js, new FetchOptions { MaxMessages = 5, NoWait = true }, guard.Token);

        Assert.Empty(batch);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Fetch_with_expires_ends_on_the_408_status_when_the_request_expires()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 2, guard.Token);
        await using var s = server;
        await using var c = connection;
        var clock = Stopwatch.StartNew();

        var batch = await FetchAllAsync(js, new FetchOptions { MaxMessages = 5, Expires = TimeSpan.FromMilliseconds(500) }, guard.Token);

        Assert.Equal(2, batch.Count);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Fetch_with_max_bytes_smaller_than_a_message_ends_on_the_409_status_without_error()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 3, guard.Token);
        await using var s = server;
        await using var c = connection;

        var batch = await FetchAllAsync(js, new FetchOptions { MaxMessages = 5, MaxBytes = 4, Expires = TimeSpan.FromSeconds(1) }, guard.Token);

        Assert.Empty(batch);
    }

    [Fact]
    public async Task Fetch_from_a_deleted_consumer_fails_with_the_status_the_server_sent()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 0, guard.Token);
        await using var s = server;
        await using var c = connection;

        var fetch = FetchAllAsync(js, new FetchOptions { MaxMessages = 5, Expires = TimeSpan.FromSeconds(10) }, guard.Token);
        await Eventually.TrueAsync(() => js.GetConsumerAsync("JOBS", "worker").Result.NumWaiting == 1, "the pull request is waiting");
        await js.DeleteConsumerAsync("JOBS", "worker", guard.Token);

        var error = await Assert.ThrowsAsync<NatsJetStreamException>(() => fetch);
        Assert.Equal(409, error.Code);
        Assert.Contains("Consumer Deleted", error.Description);
    }

    [Fact]
    public async Task A_nak_with_delay_redelivers_after_the_delay_and_not_before()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(10) }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;
        var first = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));

        await first.NakAsync(TimeSpan.FromMilliseconds(1500), guard.Token);
        var clock = Stopwatch.StartNew();
        await connection.FlushAsync(guard.Token);
        Assert.Empty(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromMilliseconds(500) }, guard.Token));
        var again = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(5) }, guard.Token));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1300), $"redelivered after {clock.Elapsed}");
        Assert.Equal(2, again.Metadata.NumDelivered);
        Assert.Equal(first.Metadata.StreamSequence, again.Metadata.StreamSequence);
        await again.AckAsync(guard.Token);
    }

    [Fact]
    public async Task A_nak_without_delay_redelivers_at_once()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(10) }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;
        var first = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));

        await first.NakAsync(cancellationToken: guard.Token);
        var again = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(2) }, guard.Token));

        Assert.Equal(2, again.Metadata.NumDelivered);
    }

    [Fact]
    public async Task An_unacknowledged_message_is_redelivered_after_ack_wait()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(1) }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;
        var first = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));
        var clock = Stopwatch.StartNew();

        var again = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(5) }, guard.Token));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(700), $"redelivered after {clock.Elapsed}");
        Assert.Equal(2, again.Metadata.NumDelivered);
        Assert.Equal(first.GetString(), again.GetString());
    }

    [Fact]
    public async Task In_progress_signals_extend_the_ack_deadline()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(2) }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;
        var message = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));

        // 4.5 s of work, more than twice the 2 s ack wait, kept alive by +WPI every 300 ms; the margin between a
        // signal and the deadline is wide enough that a busy CI machine does not turn it into a redelivery.
        var waiting = FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromMilliseconds(4500) }, guard.Token);
        while (!waiting.IsCompleted)
        {
            await message.InProgressAsync(guard.Token);
            await Task.WhenAny(waiting, Task.Delay(300, guard.Token));
        }

        Assert.Empty(await waiting);
        await message.AckAndWaitAsync(cancellationToken: guard.Token);
        Assert.Empty(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromMilliseconds(2500) }, guard.Token));
    }

    [Fact]
    public async Task Term_stops_redelivery()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(1) }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;
        var message = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));

        await message.TermAsync(guard.Token);

        Assert.Empty(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromMilliseconds(2000) }, guard.Token));
        var info = await js.GetConsumerAsync("JOBS", "worker", guard.Token);
        Assert.Equal(0, info.NumAckPending);
    }

    [Fact]
    public async Task Max_deliver_stops_redelivery_after_that_many_deliveries()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker", AckWait = TimeSpan.FromSeconds(1), MaxDeliver = 2 }, 1, guard.Token);
        await using var s = server;
        await using var c = connection;

        var first = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1 }, guard.Token));
        await first.NakAsync(cancellationToken: guard.Token);
        var second = Assert.Single(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(3) }, guard.Token));
        await second.NakAsync(cancellationToken: guard.Token);

        Assert.Equal(2, second.Metadata.NumDelivered);
        Assert.Empty(await FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromMilliseconds(1500) }, guard.Token));
    }

    [Fact]
    public async Task Double_ack_waits_for_the_server_confirmation()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 2, guard.Token);
        await using var s = server;
        await using var c = connection;
        var batch = await FetchAllAsync(js, new FetchOptions { MaxMessages = 2 }, guard.Token);

        foreach (var message in batch)
        {
            await message.AckAndWaitAsync(cancellationToken: guard.Token);
        }

        var info = await js.GetConsumerAsync("JOBS", "worker", guard.Token);
        Assert.Equal(0, info.NumAckPending);
        Assert.Equal(2, info.AckFloor!.StreamSeq);
    }

    [Fact]
    public async Task Fetch_skips_idle_heartbeats_and_ends_on_request_timeout_from_a_scripted_responder()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        // A JetStream context on its own API prefix talks only to this core subscriber, which replays the exact
        // sequence of status and data messages a 2.9 server can send to a pull request. Clients may not publish
        // with $JS.ACK reply subjects, so the scripted messages use plain ones.
        await using var responder = await connection.SubscribeAsync("SCRIPTED.API.CONSUMER.MSG.NEXT.FAKE.script", async request =>
        {
            var inbox = request.ReplyTo!;
            await connection.PublishAsync(inbox, default, new NatsHeaders { StatusCode = 100, StatusDescription = "Idle Heartbeat" });
            await connection.PublishAsync(inbox, "one"u8.ToArray(), replyTo: "scripted.ack.1");
            await connection.PublishAsync(inbox, default, new NatsHeaders { StatusCode = 100, StatusDescription = "Idle Heartbeat" });
            await connection.PublishAsync(inbox, "two"u8.ToArray(), replyTo: "scripted.ack.2");
            await connection.PublishAsync(inbox, default, new NatsHeaders { StatusCode = 408, StatusDescription = "Request Timeout" });
        }, cancellationToken: guard.Token);
        var js = new NatsJetStream(connection, apiPrefix: "SCRIPTED.API");

        var messages = new List<JetStreamMsg>();
        await foreach (var message in js.FetchAsync("FAKE", "script", new FetchOptions { MaxMessages = 10, Expires = TimeSpan.FromSeconds(10) }, guard.Token))
        {
            messages.Add(message);
        }

        Assert.Equal(["one", "two"], messages.Select(m => m.GetString()));
        Assert.Equal("scripted.ack.2", messages[1].ReplyTo);
    }

    [Fact]
    public async Task Fetch_with_idle_heartbeats_from_a_real_server_returns_the_messages_that_arrive_while_waiting()
    {
        using var guard = Eventually.Guard();
        var (server, connection, js) = await StartAsync(new ConsumerConfig { DurableName = "worker" }, 0, guard.Token);
        await using var s = server;
        await using var c = connection;

        var fetch = FetchAllAsync(js, new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(3), IdleHeartbeat = TimeSpan.FromMilliseconds(200) }, guard.Token);
        await Task.Delay(700, guard.Token);
        await js.PublishAsync("jobs.late", "late"u8.ToArray(), cancellationToken: guard.Token);

        var message = Assert.Single(await fetch);
        Assert.Equal("late", message.GetString());
    }
}
