using System.Buffers;
using System.Text;
using Catga;
using Catga.Distributed;
using Catga.Security;
using Catga.Serialization;
using Catga.Transport;

namespace Bank;

/// <summary>
/// The replies to protected requests: protected like the request (encrypted or signed), bound to the request they answer,
/// and refused by the requester on any problem, so a protected request never yields a value from a reply it cannot
/// trust. First through the bus (in-memory transport), then at the envelope, where the tests can tamper with replies.
/// </summary>
public sealed class ReplySecurityTests
{
    private static readonly MessageKey s_k1 = MessageKey.Generate("k1");
    private static readonly MessageKey s_k2 = MessageKey.Generate("k2");

    [Fact]
    public async Task An_encrypted_request_gets_its_result_back_through_the_bus()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));

        var result = await harness.Mediator.SendAsync(new GetBalance("ACC-7"));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(new Balance("ACC-7", 1234.56m), result.Value);
        Assert.Equal("ACC-7", Assert.IsType<GetBalance>(await harness.NextHandledAsync()).Account);
    }

    [Fact]
    public async Task A_signed_request_gets_its_result_back_through_the_bus()
    {
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k1));

        var result = await harness.Mediator.SendAsync(new GetStatement("ACC-8"));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal("statement of ACC-8: 3 transfers", result.Value);
    }

    [Fact]
    public async Task A_reply_under_a_key_the_requester_does_not_hold_fails_the_request_closed()
    {
        // The replier rotated to k2 before k2 reached the requester: it still reads the k1 request, but its reply is
        // protected with k2, which the requester cannot check.
        await using var harness = await SecurityHarness.StartAsync(new MessageKeyring(s_k1), new MessageKeyring(s_k2, s_k1));

        var result = await harness.Mediator.SendAsync(new GetBalance("ACC-9"));

        Assert.True(result.IsFailure);
        Assert.Equal(CatgaErrorCodes.Deserialization, result.Error!.Code);
        Assert.Contains("Message security refused the reply to 'bank.balance'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("key id 'k2' is not held", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal("ACC-9", Assert.IsType<GetBalance>(await harness.NextHandledAsync()).Account);
    }

    [Fact]
    public void The_reply_to_an_encrypted_request_is_ciphertext_that_opens_to_the_result()
    {
        var (type, requester, replier) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-123456"), requester);

        var reply = MessageEnvelope.CreateReply(replier, type, request.Headers, ok: true, Result(new Balance("ACC-123456", 42m)));

        Assert.Equal("aes-256-gcm", reply.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.Equal("k1", reply.Headers[MessageSecurityHeaderNames.KeyId]);
        Assert.Equal("ok", reply.Headers[MessageHeaderNames.ReplyStatus]);
        Assert.DoesNotContain("ACC-123456", Encoding.Latin1.GetString(reply.Body.Span), StringComparison.Ordinal);
        var opened = MessageEnvelope.OpenReply(requester, type, request, reply);
        Assert.Equal(new Balance("ACC-123456", 42m), RequestTypeInfo<GetBalance, Balance>.ReadResult(opened.Span).Value);
    }

    [Fact]
    public void A_reply_presented_as_the_answer_to_another_request_is_refused()
    {
        var (type, requester, replier) = Parties("bank.balance");
        var first = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var second = MessageEnvelope.Create(type, new GetBalance("ACC-2"), requester);
        var reply = MessageEnvelope.CreateReply(replier, type, first.Headers, ok: true, Result(new Balance("ACC-1", 1m)));

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, second, reply));

        Assert.Contains("Message security refused the reply to 'bank.balance': its authentication tag does not verify", refused.Message, StringComparison.Ordinal);
        Assert.Contains("encrypted for another request", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_encrypted_reply_is_refused()
    {
        var (type, requester, replier) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var reply = MessageEnvelope.CreateReply(replier, type, request.Headers, ok: true, Result(new Balance("ACC-1", 1m)));
        var body = reply.Body.ToArray();
        body[14] ^= 0x01;

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, request, new TransportMessage(new MessageHeaders(reply.Headers), body)));

        Assert.Contains("authentication tag does not verify", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_signed_reply_is_refused()
    {
        var (type, requester, replier) = Parties("bank.statement");
        var request = MessageEnvelope.Create(type, new GetStatement("ACC-1"), requester);
        var reply = MessageEnvelope.CreateReply(replier, type, request.Headers, ok: true, Result<GetStatement, string>("balance 10"));
        Assert.Equal("hmac-sha256", reply.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.Contains("balance 10", Encoding.UTF8.GetString(reply.Body.Span), StringComparison.Ordinal);
        var body = reply.Body.ToArray();
        body[Encoding.UTF8.GetString(body).IndexOf("10", StringComparison.Ordinal)] = (byte)'9';

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, request, new TransportMessage(new MessageHeaders(reply.Headers), body)));

        Assert.Contains("Message security refused the reply to 'bank.statement': its signature does not verify", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unprotected_success_reply_to_a_protected_request_is_refused()
    {
        var (type, requester, _) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var forged = MessageEnvelope.CreateReply(BinaryMessageSerializer.Instance, type, request.Headers, ok: true, Result(new Balance("ACC-1", 1_000_000m)));

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, request, forged));

        Assert.Contains("it must arrive encrypted but arrived unprotected", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unprotected failure", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unprotected_failure_reply_is_refused_and_says_the_replier_could_not_protect_it()
    {
        var (type, requester, _) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var failure = new ArrayBufferWriter<byte>();
        RequestTypeInfo<GetBalance, Balance>.WriteResult(CatgaResult<Balance>.Failure("Bank.Closed", "closed"), failure);
        var plain = MessageEnvelope.CreateReply(BinaryMessageSerializer.Instance, type, request.Headers, ok: false, failure.WrittenMemory);

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, request, plain));

        Assert.Contains("it must arrive encrypted but arrived unprotected", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The replier answered with an unprotected failure", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protected_request_presented_as_its_own_reply_is_refused()
    {
        // Same wire name, key and message id: only the bound purpose (message or reply) tells them apart.
        var (type, requester, _) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var echoed = new TransportMessage(new MessageHeaders(request.Headers), request.Body);

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(requester, type, request, echoed));

        Assert.Contains("authentication tag does not verify", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requester_without_message_security_refuses_a_protected_reply()
    {
        var (type, requester, replier) = Parties("bank.balance");
        var request = MessageEnvelope.Create(type, new GetBalance("ACC-1"), requester);
        var reply = MessageEnvelope.CreateReply(replier, type, request.Headers, ok: true, Result(new Balance("ACC-1", 1m)));

        var refused = Assert.Throws<CatgaSerializationException>(() => MessageEnvelope.OpenReply(BinaryMessageSerializer.Instance, type, request, reply));

        Assert.Contains("this process has no message security configured", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reply_to_an_unprotected_request_stays_plain()
    {
        var keys = new MessageKeyring(s_k1);
        var secured = new SecuredMessageSerializer(BinaryMessageSerializer.Instance, new MessageSecurity(new MessageSecurityOptions { Keys = keys }));
        Assert.True(Catga.Generated.CatgaMessageTypes.Registry.TryGetByName("bank.plain", out var type));
        var request = MessageEnvelope.Create(type, new GetPlain("x"), secured);

        var reply = MessageEnvelope.CreateReply(secured, type, request.Headers, ok: true, Result<GetPlain, int>(5));

        Assert.Null(reply.Headers[MessageSecurityHeaderNames.Protection]);
        Assert.Equal(5, RequestTypeInfo<GetPlain, int>.ReadResult(MessageEnvelope.OpenReply(secured, type, request, reply).Span).Value);
    }

    private static (MessageTypeInfo Type, IMessageSerializer Requester, IMessageSerializer Replier) Parties(string wireName)
    {
        Assert.True(Catga.Generated.CatgaMessageTypes.Registry.TryGetByName(wireName, out var type));
        return (type!, Secured(new MessageKeyring(s_k1)), Secured(new MessageKeyring(s_k1)));
    }

    private static IMessageSerializer Secured(IMessageKeyProvider keys)
        => new SecuredMessageSerializer(BinaryMessageSerializer.Instance, new MessageSecurity(new MessageSecurityOptions { Keys = keys }));

    private static ReadOnlyMemory<byte> Result(Balance balance) => Result<GetBalance, Balance>(balance);

    private static ReadOnlyMemory<byte> Result<TRequest, TResponse>(TResponse value)
        where TRequest : IRequest<TResponse>, ISerializableRequest<TRequest, TResponse>
    {
        var buffer = new ArrayBufferWriter<byte>();
        RequestTypeInfo<TRequest, TResponse>.WriteResult(CatgaResult<TResponse>.Success(value), buffer);
        return buffer.WrittenMemory;
    }
}
