using System.Text;

namespace Catga.Nats.Tests;

public sealed class RequestReplyTests
{
    [Fact]
    public async Task Ten_thousand_concurrent_requests_on_one_connection_each_get_their_own_reply()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var responder = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var requester = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var service = await responder.SubscribeAsync("echo", m => m.ReplyAsync(m.Data), cancellationToken: guard.Token);
        await responder.FlushAsync(guard.Token);

        var requests = Enumerable.Range(0, 10_000).Select(async i =>
        {
            var payload = Encoding.UTF8.GetBytes($"request-{i}");
            var reply = await requester.RequestAsync("echo", payload, timeout: TimeSpan.FromSeconds(20), cancellationToken: guard.Token);
            return (i, text: reply.GetString());
        });
        var replies = await Task.WhenAll(requests);

        Assert.All(replies, r => Assert.Equal($"request-{r.i}", r.text));
    }

    [Fact]
    public async Task A_request_nobody_answers_in_time_times_out_and_its_late_reply_is_dropped()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var release = new TaskCompletionSource();
        await using var slow = await connection.SubscribeAsync("slow", async m =>
        {
            await release.Task;
            await m.ReplyAsync("late"u8.ToArray());
        }, cancellationToken: guard.Token);
        await using var fast = await connection.SubscribeAsync("fast", m => m.ReplyAsync("fast"u8.ToArray()), cancellationToken: guard.Token);

        var error = await Assert.ThrowsAsync<NatsTimeoutException>(() => connection.RequestAsync("slow", default, timeout: TimeSpan.FromMilliseconds(200), cancellationToken: guard.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
        release.SetResult();
        await connection.FlushAsync(guard.Token);

        var reply = await connection.RequestAsync("fast", default, cancellationToken: guard.Token);
        Assert.Equal("fast", reply.GetString());
    }

    [Fact]
    public async Task A_request_to_a_subject_without_subscribers_fails_with_no_responders()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);

        var error = await Assert.ThrowsAsync<NatsNoRespondersException>(() => connection.RequestAsync("nobody.home", "x"u8.ToArray(), cancellationToken: guard.Token));

        Assert.Equal("nobody.home", error.Subject);
    }

    [Fact]
    public async Task A_cancelled_request_throws_operation_cancelled()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var silent = await connection.SubscribeAsync("silent", cancellationToken: guard.Token);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.RequestAsync("silent", default, timeout: TimeSpan.FromSeconds(10), cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Payload_of_exactly_max_payload_is_accepted_and_one_byte_more_is_rejected_client_side()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync("max_payload: 4096\n");
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var subscription = await connection.SubscribeAsync("big", cancellationToken: guard.Token);
        Assert.Equal(4096, connection.MaxPayload);

        await connection.PublishAsync("big", new byte[4096], cancellationToken: guard.Token);
        var received = await subscription.Messages.ReadAsync(guard.Token);
        Assert.Equal(4096, received.Data.Length);

        var error = await Assert.ThrowsAsync<NatsPayloadTooLargeException>(() => connection.PublishAsync("big", new byte[4097]).AsTask());
        Assert.Contains("4096", error.Message);
        Assert.Equal(4097, error.Size);
        var withHeaders = new NatsHeaders().Add("K", "V");
        await Assert.ThrowsAsync<NatsPayloadTooLargeException>(() => connection.PublishAsync("big", new byte[4090], withHeaders).AsTask());
        Assert.Equal(NatsConnectionState.Connected, connection.State);
    }
}
