using Catga.Nats.JetStream;

namespace Catga.Nats.Tests;

public sealed class JetStreamStreamTests
{
    [Fact]
    public async Task Streams_can_be_created_read_updated_purged_and_deleted()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);

        var created = await js.CreateStreamAsync(new StreamConfig { Name = "ORDERS", Subjects = ["orders.>"], Storage = StreamStorage.Memory, MaxAge = TimeSpan.FromHours(1) }, guard.Token);
        Assert.Equal("ORDERS", created.Config.Name);
        Assert.Equal(StreamStorage.Memory, created.Config.Storage);
        Assert.Equal(TimeSpan.FromHours(1), created.Config.MaxAge);
        Assert.Equal(TimeSpan.FromMinutes(2), created.Config.DuplicateWindow);

        await js.PublishAsync("orders.1", "a"u8.ToArray(), cancellationToken: guard.Token);
        await js.PublishAsync("orders.2", "b"u8.ToArray(), cancellationToken: guard.Token);
        var info = await js.GetStreamAsync("ORDERS", guard.Token);
        Assert.Equal(2, info.State.Messages);
        Assert.Equal(2, info.State.LastSeq);

        var updated = await js.UpdateStreamAsync(created.Config with { Subjects = ["orders.>", "returns.>"], MaxMsgs = 100 }, guard.Token);
        Assert.Equal(["orders.>", "returns.>"], updated.Config.Subjects);
        Assert.Equal(100, updated.Config.MaxMsgs);

        var account = await js.GetAccountInfoAsync(guard.Token);
        Assert.Equal(1, account.Streams);

        Assert.Equal(2, await js.PurgeStreamAsync("ORDERS", guard.Token));
        Assert.Equal(0, (await js.GetStreamAsync("ORDERS", guard.Token)).State.Messages);

        await js.DeleteStreamAsync("ORDERS", guard.Token);
        var missing = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.GetStreamAsync("ORDERS", guard.Token));
        Assert.Equal(404, missing.Code);
        Assert.Equal(10059, missing.ErrorCode);
    }

    [Fact]
    public async Task Publish_ack_carries_the_sequence_and_a_repeated_msg_id_within_the_window_is_a_duplicate()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "DEDUP", Subjects = ["dedup"], DuplicateWindow = TimeSpan.FromSeconds(30) }, guard.Token);

        var first = await js.PublishAsync("dedup", "1"u8.ToArray(), new JetStreamPublishOptions { MsgId = "order-1" }, cancellationToken: guard.Token);
        var again = await js.PublishAsync("dedup", "1"u8.ToArray(), new JetStreamPublishOptions { MsgId = "order-1" }, cancellationToken: guard.Token);
        var other = await js.PublishAsync("dedup", "2"u8.ToArray(), new JetStreamPublishOptions { MsgId = "order-2" }, cancellationToken: guard.Token);

        Assert.Equal("DEDUP", first.Stream);
        Assert.Equal(1, first.Seq);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(1, again.Seq);
        Assert.Equal(2, other.Seq);
        Assert.Equal(2, (await js.GetStreamAsync("DEDUP", guard.Token)).State.Messages);
    }

    [Fact]
    public async Task A_publish_with_a_wrong_expected_last_sequence_is_rejected()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "SEQ", Subjects = ["seq"] }, guard.Token);
        await js.PublishAsync("seq", "1"u8.ToArray(), cancellationToken: guard.Token);

        var ok = await js.PublishAsync("seq", "2"u8.ToArray(), new JetStreamPublishOptions { ExpectedLastSequence = 1, ExpectedStream = "SEQ" }, cancellationToken: guard.Token);
        var error = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.PublishAsync("seq", "3"u8.ToArray(), new JetStreamPublishOptions { ExpectedLastSequence = 1 }, cancellationToken: guard.Token));

        Assert.Equal(2, ok.Seq);
        Assert.Equal(400, error.Code);
        Assert.Contains("sequence", error.Description);
    }

    [Fact]
    public async Task Expected_last_subject_sequence_and_last_msg_id_guard_concurrent_writers()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "ACCOUNTS", Subjects = ["accounts.>"] }, guard.Token);
        var first = await js.PublishAsync("accounts.a", "v1"u8.ToArray(), new JetStreamPublishOptions { MsgId = "a-1" }, cancellationToken: guard.Token);
        await js.PublishAsync("accounts.b", "v1"u8.ToArray(), cancellationToken: guard.Token);

        var next = await js.PublishAsync("accounts.a", "v2"u8.ToArray(), new JetStreamPublishOptions { ExpectedLastSubjectSequence = first.Seq }, cancellationToken: guard.Token);
        var staleSubject = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.PublishAsync("accounts.a", "v3"u8.ToArray(), new JetStreamPublishOptions { ExpectedLastSubjectSequence = first.Seq }, cancellationToken: guard.Token));
        var staleMsgId = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.PublishAsync("accounts.c", "v1"u8.ToArray(), new JetStreamPublishOptions { ExpectedLastMsgId = "a-1" }, cancellationToken: guard.Token));
        var wrongStream = await Assert.ThrowsAsync<NatsJetStreamException>(() => js.PublishAsync("accounts.c", "v1"u8.ToArray(), new JetStreamPublishOptions { ExpectedStream = "OTHER" }, cancellationToken: guard.Token));

        Assert.Equal(3, next.Seq);
        Assert.Equal(400, staleSubject.Code);
        Assert.Equal(400, staleMsgId.Code);
        Assert.Equal(400, wrongStream.Code);
        Assert.Equal(3, (await js.GetStreamAsync("ACCOUNTS", guard.Token)).State.Messages);
    }

    [Fact]
    public async Task Publishing_to_a_subject_no_stream_stores_fails_with_no_responders()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);

        await Assert.ThrowsAsync<NatsNoRespondersException>(() => js.PublishAsync("not.stored", "x"u8.ToArray(), cancellationToken: guard.Token));
    }

    [Fact]
    public async Task Async_publishing_keeps_acks_bounded_and_stores_every_message()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var js = new NatsJetStream(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "BATCH", Subjects = ["batch"] }, guard.Token);
        var publisher = js.CreateAsyncPublisher(maxOutstanding: 32);

        var acks = new List<Task<PubAck>>();
        var maxSeen = 0;
        for (var i = 0; i < 2_000; i++)
        {
            acks.Add(await publisher.PublishAsync("batch", BitConverter.GetBytes(i), new JetStreamPublishOptions { MsgId = $"m{i}" }, cancellationToken: guard.Token));
            maxSeen = Math.Max(maxSeen, publisher.Outstanding);
        }

        await publisher.WaitForAcksAsync(guard.Token);

        Assert.InRange(maxSeen, 1, 32);
        Assert.Equal(0, publisher.Outstanding);
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (long)i), acks.Select(a => a.Result.Seq).Order());
        Assert.Equal(2_000, (await js.GetStreamAsync("BATCH", guard.Token)).State.Messages);
    }

    [Fact]
    public async Task Acknowledged_publishes_survive_a_server_kill_and_restart_mid_stream()
    {
        using var guard = Eventually.Guard(60);
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions
        {
            ReconnectWait = TimeSpan.FromMilliseconds(20),
            ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
        }), guard.Token);
        var js = new NatsJetStream(connection, timeout: TimeSpan.FromSeconds(2));
        await js.CreateStreamAsync(new StreamConfig { Name = "DURABLE", Subjects = ["durable"] }, guard.Token);
        var publisher = js.CreateAsyncPublisher(maxOutstanding: 32);
        var pending = new List<(string Id, Task<PubAck> Ack)>();
        Task? restart = null;

        for (var i = 0; i < 600; i++)
        {
            if (i == 200)
            {
                // Killed with acks in flight; publishes made while it is down are buffered and sent after the restart.
                await server.KillAsync();
                restart = Task.Run(async () =>
                {
                    await Task.Delay(300);
                    await server.StartAsync();
                });
            }

            var id = $"msg-{i}";
            pending.Add((id, await publisher.PublishAsync("durable", System.Text.Encoding.UTF8.GetBytes(id), new JetStreamPublishOptions { MsgId = id }, cancellationToken: guard.Token)));
        }

        await restart!;
        await publisher.WaitForAcksAsync(guard.Token);
        var acked = pending.Where(p => p.Ack.IsCompletedSuccessfully).Select(p => p.Id).ToHashSet();
        Assert.All(pending.Where(p => !p.Ack.IsCompletedSuccessfully), p => Assert.IsAssignableFrom<NatsException>(p.Ack.Exception!.InnerException));
        Assert.True(acked.Count >= 150, $"only {acked.Count} publishes were acknowledged");
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Connected, "the client reconnected");
        for (var i = 600; i < 650; i++)
        {
            var id = $"msg-{i}";
            await js.PublishAsync("durable", System.Text.Encoding.UTF8.GetBytes(id), new JetStreamPublishOptions { MsgId = id }, cancellationToken: guard.Token);
            acked.Add(id);
        }
        await js.CreateOrUpdateConsumerAsync("DURABLE", new ConsumerConfig { DurableName = "check" }, guard.Token);
        var stored = new HashSet<string>();
        while (true)
        {
            var before = stored.Count;
            await foreach (var message in js.FetchAsync("DURABLE", "check", new FetchOptions { MaxMessages = 256, NoWait = true }, guard.Token))
            {
                stored.Add(message.GetString());
                await message.AckAsync(guard.Token);
            }

            if (stored.Count == before)
            {
                break;
            }
        }

        Assert.Empty(acked.Except(stored));
    }
}
