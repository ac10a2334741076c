using System.Text;
using Catga;
using Catga.Persistence.Redis.Transport;
using Catga.Security;
using Catga.TestInfrastructure;
using Catga.Transport;
using Catga.Transport.Nats;
using NATS.Client.Core;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Bank;

/// <summary>
/// Encrypted and signed messages end to end over real servers (nats-server and redis-server processes the tests
/// start): the body on the wire is ciphertext, the receiver handles the original, and a tampered copy is dead-lettered.
/// Protected requests get protected replies, and a reply the requester cannot check fails the request.
/// </summary>
public sealed class RealTransportSecurityTests
{
    private static readonly MessageKey s_key = MessageKey.Generate("k1");

    [Fact]
    public async Task Over_NATS_an_encrypted_message_travels_as_ciphertext_and_a_tampered_copy_is_refused()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        await connection.ConnectAsync();

        await RunAsync(builder => builder.UseNatsTransport(_ => connection));
    }

    [Fact]
    public async Task Over_Redis_Streams_an_encrypted_message_travels_as_ciphertext_and_a_tampered_copy_is_refused()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync();

        await RunAsync(builder => builder.UseRedisStreamsTransport(connection));
    }

    [Fact]
    public async Task Over_NATS_a_protected_request_gets_an_encrypted_reply_and_a_reply_it_cannot_check_fails_closed()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        await connection.ConnectAsync();

        // A bystander subscribed to every reply inbox: what an attacker on the server would see of the replies.
        await using var spy = new NatsConnection(new NatsOpts { Url = server.Url });
        await spy.ConnectAsync();
        await using var inboxes = await spy.SubscribeCoreAsync<byte[]>("_INBOX.>");
        await spy.PingAsync();

        await RequestAsync(builder => builder.UseNatsTransport(_ => connection), async () =>
        {
            while (true)
            {
                // JetStream API answers arrive on inboxes too; the reply is the one with Catga's reply-status header.
                var msg = await inboxes.Msgs.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (msg.Headers is { } headers && headers.ContainsKey(MessageHeaderNames.ReplyStatus))
                {
                    return (headers.TryGetValue(MessageSecurityHeaderNames.Protection, out var p) ? p.ToString() : null, msg.Data ?? []);
                }
            }
        });

        await using var second = new NatsConnection(new NatsOpts { Url = server.Url });
        await second.ConnectAsync();
        await ReplyUnderUnknownKeyFailsClosedAsync(builder => builder.UseNatsTransport(_ => second));
    }

    [Fact]
    public async Task Over_Redis_Streams_a_protected_request_gets_an_encrypted_reply_and_a_reply_it_cannot_check_fails_closed()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await server.ConnectAsync();
        await using var spy = await server.ConnectAsync();
        ChannelMessageQueue? replies = null;

        await RequestAsync(
            builder => builder.UseRedisStreamsTransport(connection),
            async () =>
            {
                // Every reply travels as one pub/sub message; its bytes hold the headers and the body.
                byte[] raw = (byte[])(await replies!.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Message!;
                return (Encoding.Latin1.GetString(raw).Contains("aes-256-gcm", StringComparison.Ordinal) ? "aes-256-gcm" : null, raw);
            },
            async harness =>
            {
                // The bystander listens on the requester's reply channel before the request is sent.
                var transport = (RedisStreamsTransport)harness.Sender.GetRequiredService<IMessageTransport>();
                replies = await spy.GetSubscriber().SubscribeAsync(RedisChannel.Literal(transport.ReplyChannel));
            });

        await ReplyUnderUnknownKeyFailsClosedAsync(builder => builder.UseRedisStreamsTransport(connection));
    }

    /// <summary>Sends an encrypted request and checks its result, and that the reply seen on the wire was ciphertext.</summary>
    private static async Task RequestAsync(Action<CatgaBuilder> useTransport, Func<Task<(string? Protection, byte[] Raw)>> nextReplyOnWire, Func<SecurityHarness, Task>? beforeSending = null)
    {
        await using var harness = await SecurityHarness.StartAsync(useTransport, new MessageKeyring(s_key), new MessageKeyring(s_key));
        if (beforeSending is not null)
        {
            await beforeSending(harness);
        }

        var result = await harness.Mediator.SendAsync(new GetBalance("ACC-555111"));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(new Balance("ACC-555111", 1234.56m), result.Value);
        var (protection, raw) = await nextReplyOnWire();
        Assert.Equal("aes-256-gcm", protection);
        Assert.DoesNotContain("ACC-555111", Encoding.Latin1.GetString(raw), StringComparison.Ordinal);
    }

    /// <summary>The replier rotated to a key the requester does not hold: the request is handled, the reply refused, and
    /// the caller gets a failed result naming the key, never a value.</summary>
    private static async Task ReplyUnderUnknownKeyFailsClosedAsync(Action<CatgaBuilder> useTransport)
    {
        var rotated = MessageKey.Generate("k2");
        await using var harness = await SecurityHarness.StartAsync(useTransport, new MessageKeyring(s_key), new MessageKeyring(rotated, s_key));

        var result = await harness.Mediator.SendAsync(new GetBalance("ACC-777"));

        Assert.True(result.IsFailure);
        Assert.Contains("Message security refused the reply to 'bank.balance'", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("key id 'k2' is not held", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal("ACC-777", Assert.IsType<GetBalance>(await harness.NextHandledAsync()).Account);
    }

    private static async Task RunAsync(Action<CatgaBuilder> useTransport)
    {
        await using var harness = await SecurityHarness.StartAsync(useTransport, new MessageKeyring(s_key), new MessageKeyring(s_key));
        var sent = new TransferMade("ACC-987654", 99.5m);

        await harness.Mediator.PublishAsync(sent);

        Assert.Equal(sent, await harness.NextHandledAsync());
        var wire = await harness.NextOnWireAsync();
        Assert.Equal("aes-256-gcm", wire.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.DoesNotContain("ACC-987654", Encoding.Latin1.GetString(wire.Body.Span), StringComparison.Ordinal);

        var signed = new AuditNoted("vault opened");
        await harness.Mediator.PublishAsync(signed);
        Assert.Equal(signed, await harness.NextHandledAsync());
        Assert.Equal("hmac-sha256", (await harness.NextOnWireAsync()).Headers[MessageSecurityHeaderNames.Protection]);

        // A new message id too: JetStream drops a second message with the same id within its duplicate window, before
        // any consumer sees it (the transport's own deduplication, not security).
        var body = wire.Body.ToArray();
        body[^1] ^= 0x40;
        var headers = new MessageHeaders(wire.Headers).Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString());
        headers.Remove(MessageHeaderNames.DeduplicationId);
        await harness.SendRawAsync("bank.transfer", new TransportMessage(headers, body));

        var letter = await harness.NextDeadLetterAsync();
        Assert.Contains("authentication tag does not verify", letter.ErrorMessage, StringComparison.Ordinal);
        Assert.False(harness.Handled.Messages.Reader.TryRead(out _));
    }
}
