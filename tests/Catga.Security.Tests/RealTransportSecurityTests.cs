using System.Text;
using Catga;
using Catga.Persistence.Redis.Transport;
using Catga.Security;
using Catga.TestInfrastructure;
using Catga.Transport;
using Catga.Transport.Nats;
using NATS.Client.Core;
using StackExchange.Redis;

namespace Bank;

/// <summary>
/// Encrypted and signed messages end to end over real servers (nats-server and redis-server processes the tests
/// start): the body on the wire is ciphertext, the receiver handles the original, and a tampered copy is dead-lettered.
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
