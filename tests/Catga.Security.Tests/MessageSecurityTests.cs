using System.Text;
using Catga;
using Catga.Security;
using Catga.Serialization;
using Catga.Transport;

namespace Bank;

/// <summary>
/// Message security end to end over the in-memory transport: what travels on the wire, and how the receiver fails
/// closed (dead letter with the reason, handler never run) for every kind of tampering.
/// </summary>
public sealed class MessageSecurityTests
{
    private static readonly MessageKey s_k1 = MessageKey.Generate("k1");
    private static readonly MessageKey s_k2 = MessageKey.Generate("k2");

    [Fact]
    public async Task An_encrypted_message_is_unreadable_on_the_wire_and_handled_intact()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var sent = new TransferMade("ACC-123456", 250.75m);

        await harness.Mediator.PublishAsync(sent);

        var wire = await harness.NextOnWireAsync();
        Assert.Equal("aes-256-gcm", wire.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.Equal("k1", wire.Headers[MessageSecurityHeaderNames.KeyId]);
        Assert.DoesNotContain("ACC-123456", Encoding.UTF8.GetString(wire.Body.Span), StringComparison.Ordinal);
        Assert.DoesNotContain("ACC-123456", Encoding.Latin1.GetString(wire.Body.Span), StringComparison.Ordinal);
        Assert.Equal(sent, await harness.NextHandledAsync());
    }

    [Fact]
    public async Task A_signed_message_is_readable_on_the_wire_carries_a_signature_and_is_handled()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var sent = new AuditNoted("opened vault 7");

        await harness.Mediator.PublishAsync(sent);

        var wire = await harness.NextOnWireAsync();
        Assert.Equal("hmac-sha256", wire.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.NotNull(wire.Headers[MessageSecurityHeaderNames.Signature]);
        Assert.Contains("opened vault 7", Encoding.UTF8.GetString(wire.Body.Span), StringComparison.Ordinal);
        Assert.Equal(sent, await harness.NextHandledAsync());
    }

    [Fact]
    public async Task A_tampered_encrypted_body_is_dead_lettered_and_never_handled()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var wire = await CaptureAsync(harness, new TransferMade("ACC-1", 10m));
        var body = wire.Body.ToArray();
        body[20] ^= 0x01;

        await harness.SendRawAsync("bank.transfer", new TransportMessage(new MessageHeaders(wire.Headers), body));

        await AssertRefusedAsync(harness, "authentication tag does not verify");
    }

    [Fact]
    public async Task A_tampered_signed_body_is_dead_lettered_and_never_handled()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var wire = await CaptureAsync(harness, new AuditNoted("amount 10"));
        var body = wire.Body.ToArray();
        int at = Encoding.UTF8.GetString(body).IndexOf("10", StringComparison.Ordinal);
        body[at] = (byte)'9';

        await harness.SendRawAsync("bank.audit", new TransportMessage(new MessageHeaders(wire.Headers), body));

        await AssertRefusedAsync(harness, "signature does not verify");
    }

    [Theory]
    [InlineData(MessageHeaderNames.MessageId)]
    [InlineData(MessageHeaderNames.ContentType)]
    [InlineData(MessageSecurityHeaderNames.KeyId)]
    public async Task A_tampered_bound_header_is_dead_lettered_and_never_handled(string header)
    {
        // Both keys are held, so a changed key id still names a known key and only the binding catches it.
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1, s_k2), new MessageKeyring(s_k1, s_k2));
        var wire = await CaptureAsync(harness, new TransferMade("ACC-2", 20m));
        var headers = new MessageHeaders(wire.Headers);
        headers.Set(header, header switch
        {
            MessageHeaderNames.MessageId => MessageId.NewId().ToString(),
            MessageHeaderNames.ContentType => "application/json",
            _ => "k2",
        });

        await harness.SendRawAsync("bank.transfer", new TransportMessage(headers, wire.Body));

        await AssertRefusedAsync(harness, "authentication tag does not verify");
    }

    [Fact]
    public async Task A_ciphertext_replayed_under_a_new_message_id_is_refused()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var wire = await CaptureAsync(harness, new TransferMade("ACC-3", 30m));
        var replay = new MessageHeaders(wire.Headers).Set(MessageHeaderNames.MessageId, MessageId.NewId().ToString());

        await harness.SendRawAsync("bank.transfer", new TransportMessage(replay, wire.Body));

        var letter = await AssertRefusedAsync(harness, "authentication tag does not verify");
        Assert.Contains("'bank.transfer'", letter.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ciphertext_relabelled_as_another_type_of_the_same_shape_is_refused()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var wire = await CaptureAsync(harness, new TransferMade("ACC-4", 40m));
        var swapped = new MessageHeaders(wire.Headers).Set(MessageHeaderNames.MessageType, "bank.refund");

        await harness.SendRawAsync("bank.refund", new TransportMessage(swapped, wire.Body));

        var letter = await AssertRefusedAsync(harness, "authentication tag does not verify");
        Assert.Contains("'bank.refund'", letter.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_protected_with_a_key_the_receiver_does_not_hold_is_refused_naming_the_key()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(MessageKey.Generate("rogue")), new MessageKeyring(s_k1));

        await harness.Mediator.PublishAsync(new TransferMade("ACC-5", 50m));

        await AssertRefusedAsync(harness, "key id 'rogue' is not held");
    }

    [Fact]
    public async Task A_protected_type_that_arrives_unprotected_is_refused()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));
        var message = new TransferMade("ACC-6", 60m);
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, message.MessageId.ToString())
            .Set(MessageHeaderNames.MessageType, "bank.transfer")
            .Set(MessageHeaderNames.ContentType, "application/x-catga-binary");

        await harness.SendRawAsync("bank.transfer", new TransportMessage(headers, CatgaBinarySerializer.Serialize(message)));

        await AssertRefusedAsync(harness, "must arrive encrypted but arrived unprotected");
    }

    [Fact]
    public async Task An_encrypted_type_that_arrives_only_signed_is_refused()
    {
        // The receiver requires encryption by configuration for a type that does not declare it; the sender only signs.
        await using var harness = await SecurityHarness.StartAsync(
            new MessageKeyring(s_k1),
            new MessageKeyring(s_k1),
            o => o.Protect<NoteAdded>(MessageProtection.Signed));
        var wire = await CaptureAsync(harness, new NoteAdded("hello"));
        Assert.Equal("hmac-sha256", wire.Headers[MessageSecurityHeaderNames.Protection]);

        var signedTransfer = new MessageHeaders(wire.Headers).Set(MessageHeaderNames.MessageType, "bank.transfer");
        await harness.SendRawAsync("bank.transfer", new TransportMessage(signedTransfer, wire.Body));

        await AssertRefusedAsync(harness, "must arrive encrypted but arrived only signed");
    }

    [Fact]
    public async Task Rotation_new_messages_use_the_new_key_and_old_ones_still_decrypt_until_the_key_is_removed()
    {
        var senderKeys = new MessageKeyring(s_k1);
        var receiverKeys = new MessageKeyring(s_k1);
        await using var harness = await SecurityHarness.StartAsync(senderKeys, receiverKeys);
        var old = await CaptureAsync(harness, new TransferMade("ACC-7", 70m));
        Assert.Equal("k1", old.Headers[MessageSecurityHeaderNames.KeyId]);

        // Receivers learn the new key first, then senders switch to it.
        receiverKeys.Rotate(s_k2);
        senderKeys.Rotate(s_k2);
        var rotated = await CaptureAsync(harness, new TransferMade("ACC-8", 80m));
        Assert.Equal("k2", rotated.Headers[MessageSecurityHeaderNames.KeyId]);

        // A k1 message still in flight (or replayed from an outbox) is read while k1 is held...
        await harness.SendRawAsync("bank.transfer", old);
        Assert.Equal("ACC-7", Assert.IsType<TransferMade>(await harness.NextHandledAsync()).Account);

        // ...and refused once k1 is retired.
        Assert.True(receiverKeys.Remove("k1"));
        await harness.SendRawAsync("bank.transfer", old);
        await AssertRefusedAsync(harness, "key id 'k1' is not held");
    }

    [Fact]
    public void Keys_must_be_32_bytes_with_a_plain_id_and_the_current_key_cannot_be_removed()
    {
        Assert.Contains("exactly 32 bytes", Assert.Throws<ArgumentException>(() => new MessageKey("k", new byte[16])).Message, StringComparison.Ordinal);
        Assert.Contains("letters, digits", Assert.Throws<ArgumentException>(() => new MessageKey("k 1", new byte[32])).Message, StringComparison.Ordinal);
        var ring = new MessageKeyring(s_k1);
        Assert.Throws<InvalidOperationException>(() => ring.Remove("k1"));
        Assert.Throws<ArgumentException>(() => ring.Rotate(s_k1));
    }

    /// <summary>Publishes through the sender, waits until the receiver handled it (the untampered original), and returns
    /// the raw message the spy saw on the wire.</summary>
    private static async Task<TransportMessage> CaptureAsync(SecurityHarness harness, object message)
    {
        await harness.Mediator.PublishAsync((IEvent)message);
        Assert.Equal(message, await harness.NextHandledAsync());
        return await harness.NextOnWireAsync();
    }

    private static async Task<Catga.DeadLetters.DeadLetter> AssertRefusedAsync(SecurityHarness harness, string reason)
    {
        var letter = await harness.NextDeadLetterAsync();
        Assert.Equal(CatgaErrorCodes.Deserialization, letter.Reason);
        Assert.Contains("Message security refused", letter.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(reason, letter.ErrorMessage, StringComparison.Ordinal);
        Assert.False(harness.Handled.Messages.Reader.TryRead(out var handled), $"A refused message was handled: {handled}");
        return letter;
    }
}
