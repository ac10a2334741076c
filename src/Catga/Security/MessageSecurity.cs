using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Catga.Serialization;
using Catga.Transport;

namespace Catga.Security;

/// <summary>
/// Protects bodies on the way out and opens them on the way in: messages, and the replies to protected requests. The
/// authenticated data binds the purpose (message or reply), the protection, the wire name, the key id, the content type
/// and the message id (for a reply: the id of the request it answers), so a protected body cannot be replayed as another
/// message type, under another message id, as a reply, or as the reply to another request, and none of those headers
/// can be altered unnoticed. Receivers fail closed: every problem throws <see cref="CatgaSerializationException"/>, which
/// the consumer dead-letters at once and the requester turns into a failed result, naming it.
/// </summary>
internal sealed class MessageSecurity
{
    private const int NonceSize = 12;
    private const int TagSize = MessageKeyCiphers.TagSize;
    private const string MessagePurpose = "catga-security-v1";
    private const string ReplyPurpose = "catga-security-v1/reply";
    private readonly IMessageKeyProvider _keys;
    private readonly IReadOnlyDictionary<string, MessageProtection> _byName;

    public MessageSecurity(MessageSecurityOptions options)
    {
        _keys = options.Keys ?? throw new InvalidOperationException("UseMessageSecurity needs MessageSecurityOptions.Keys: a MessageKeyring or your own IMessageKeyProvider.");
        _byName = new Dictionary<string, MessageProtection>(options.ByName, StringComparer.Ordinal);
    }

    /// <summary>The protection <paramref name="type"/> requires: the stronger of its attribute and the configuration.</summary>
    public MessageProtection Required(MessageTypeInfo type)
        => _byName.TryGetValue(type.Name, out var configured) && configured > type.Protection ? configured : type.Protection;

    /// <summary>Protects a message body as <paramref name="type"/> requires, adding the security headers.</summary>
    public ReadOnlyMemory<byte> Protect(MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body)
        => Seal(Required(type), type.Name, headers, body, new Binding(MessagePurpose, headers[MessageHeaderNames.ContentType], headers[MessageHeaderNames.MessageId]));

    /// <summary>Protects the reply to a request of <paramref name="requestType"/> as the request type requires, bound to the
    /// request's message id, adding the security headers to <paramref name="replyHeaders"/>.</summary>
    public ReadOnlyMemory<byte> ProtectReply(MessageTypeInfo requestType, string? requestId, MessageHeaders replyHeaders, ReadOnlyMemory<byte> body)
        => Seal(Required(requestType), requestType.Name, replyHeaders, body, new Binding(ReplyPurpose, null, requestId));

    /// <summary>Checks and opens a received message body; throws when it does not carry the protection its type requires,
    /// or when its key is unknown or its tag does not verify.</summary>
    public ReadOnlyMemory<byte> Open(MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body)
        => Unseal(type, headers, body, new Binding(MessagePurpose, headers[MessageHeaderNames.ContentType], headers[MessageHeaderNames.MessageId]), $"'{type.Name}'", "It is not handled");

    /// <summary>Checks and opens the reply to a request of <paramref name="requestType"/> with id <paramref name="requestId"/>;
    /// throws like <see cref="Open"/>, so a protected request never yields a value from an unprotected or altered reply.</summary>
    public ReadOnlyMemory<byte> OpenReply(MessageTypeInfo requestType, string? requestId, MessageHeaders replyHeaders, ReadOnlyMemory<byte> body)
        => Unseal(requestType, replyHeaders, body, new Binding(ReplyPurpose, null, requestId), $"the reply to '{requestType.Name}'", "The request fails without its result");

    private ReadOnlyMemory<byte> Seal(MessageProtection protection, string wireName, MessageHeaders headers, ReadOnlyMemory<byte> body, Binding binding)
    {
        if (protection == MessageProtection.None)
        {
            return body;
        }

        var key = _keys.Current;
        headers.Set(MessageSecurityHeaderNames.KeyId, key.Id);
        if (protection == MessageProtection.Encrypted)
        {
            headers.Set(MessageSecurityHeaderNames.Protection, MessageSecurityHeaderNames.Aes256Gcm);
            var sealedBody = new byte[NonceSize + body.Length + TagSize];
            var nonce = sealedBody.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            var associated = new AssociatedData(binding, MessageSecurityHeaderNames.Aes256Gcm, wireName, key.Id);
            var aes = key.Ciphers.RentAes();
            try
            {
                aes.Encrypt(nonce, body.Span, sealedBody.AsSpan(NonceSize, body.Length), sealedBody.AsSpan(NonceSize + body.Length), associated.Span);
            }
            finally
            {
                key.Ciphers.Return(aes);
                associated.Dispose();
            }

            return sealedBody;
        }

        headers.Set(MessageSecurityHeaderNames.Protection, MessageSecurityHeaderNames.HmacSha256);
        Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Sign(key, wireName, binding, body.Span, signature);
        headers.Set(MessageSecurityHeaderNames.Signature, Convert.ToBase64String(signature));
        return body;
    }

    private ReadOnlyMemory<byte> Unseal(MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body, Binding binding, string what, string consequence)
    {
        var required = Required(type);
        string? scheme = headers[MessageSecurityHeaderNames.Protection];
        if (scheme is null)
        {
            if (required != MessageProtection.None)
            {
                throw Refused(what, consequence, $"it must arrive {Describe(required)} but arrived unprotected");
            }

            return body;
        }

        if (scheme is not (MessageSecurityHeaderNames.Aes256Gcm or MessageSecurityHeaderNames.HmacSha256))
        {
            throw Refused(what, consequence, $"its protection '{scheme}' is not one this process knows (aes-256-gcm, hmac-sha256)");
        }

        if (required == MessageProtection.Encrypted && scheme != MessageSecurityHeaderNames.Aes256Gcm)
        {
            throw Refused(what, consequence, "it must arrive encrypted but arrived only signed");
        }

        string? keyId = headers[MessageSecurityHeaderNames.KeyId];
        if (keyId is null || !_keys.TryGet(keyId, out var key))
        {
            throw Refused(what, consequence, keyId is null ? "it names no key id" : $"its key id '{keyId}' is not held by this process's key provider (retired, or never distributed here)");
        }

        if (scheme == MessageSecurityHeaderNames.HmacSha256)
        {
            string? signature = headers[MessageSecurityHeaderNames.Signature];
            Span<byte> received = stackalloc byte[HMACSHA256.HashSizeInBytes];
            Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
            if (signature is null || !Convert.TryFromBase64String(signature, received, out int written) || written != received.Length)
            {
                throw Refused(what, consequence, "its signature does not verify: the signature header is missing or malformed");
            }

            Sign(key, type.Name, binding, body.Span, expected);
            if (!CryptographicOperations.FixedTimeEquals(received, expected))
            {
                throw Refused(what, consequence, $"its signature does not verify: the body or a bound header ({binding.Fields}) was altered");
            }

            return body;
        }

        if (body.Length < NonceSize + TagSize)
        {
            throw Refused(what, consequence, $"its encrypted body is {body.Length} bytes, shorter than a nonce and a tag");
        }

        var span = body.Span;
        var plain = new byte[body.Length - NonceSize - TagSize];
        var associated = new AssociatedData(binding, MessageSecurityHeaderNames.Aes256Gcm, type.Name, keyId);
        var aes = key.Ciphers.RentAes();
        try
        {
            aes.Decrypt(span[..NonceSize], span.Slice(NonceSize, plain.Length), span[^TagSize..], plain, associated.Span);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Refused(what, consequence, $"its authentication tag does not verify: the body or a bound header ({binding.Fields}) was altered, or it was encrypted for another {(binding.Purpose == ReplyPurpose ? "request" : "message")}");
        }
        finally
        {
            key.Ciphers.Return(aes);
            associated.Dispose();
        }

        return plain;
    }

    private static void Sign(MessageKey key, string wireName, Binding binding, ReadOnlySpan<byte> body, Span<byte> signature)
    {
        var associated = new AssociatedData(binding, MessageSecurityHeaderNames.HmacSha256, wireName, key.Id);
        var hmac = key.Ciphers.RentHmac();
        try
        {
            hmac.AppendData(associated.Span);
            hmac.AppendData(body);
            hmac.GetHashAndReset(signature);
        }
        finally
        {
            key.Ciphers.Return(hmac);
            associated.Dispose();
        }
    }

    private static string Describe(MessageProtection protection) => protection == MessageProtection.Encrypted ? "encrypted" : "signed";

    private static CatgaSerializationException Refused(string what, string consequence, string reason)
        => new($"Message security refused {what}: {reason}. {consequence}.");

    /// <summary>What a protected body is bound to besides its wire name and key: a message (with its content type and
    /// message id) or a reply (with the id of the request it answers).</summary>
    private readonly record struct Binding(string Purpose, string? ContentType, string? MessageId)
    {
        public string Fields => Purpose == ReplyPurpose ? "wire name, key id, request id" : "wire name, key id, content type, message id";
    }

    /// <summary>The bound fields, each length-prefixed so no two different sets of fields encode to the same bytes, in a
    /// pooled buffer. The wire name is the receiver's (the type it is about to read), so a body relabelled as another type
    /// fails.</summary>
    private readonly struct AssociatedData
    {
        private readonly byte[] _buffer;
        private readonly int _length;

        public AssociatedData(Binding binding, string scheme, string wireName, string keyId)
        {
            string contentType = binding.ContentType ?? string.Empty;
            string messageId = binding.MessageId ?? string.Empty;
            int size = (6 * sizeof(int)) + Encoding.UTF8.GetByteCount(binding.Purpose) + Encoding.UTF8.GetByteCount(scheme) + Encoding.UTF8.GetByteCount(wireName)
                + Encoding.UTF8.GetByteCount(keyId) + Encoding.UTF8.GetByteCount(contentType) + Encoding.UTF8.GetByteCount(messageId);
            _buffer = ArrayPool<byte>.Shared.Rent(size);
            int at = 0;
            Write(binding.Purpose, ref at);
            Write(scheme, ref at);
            Write(wireName, ref at);
            Write(keyId, ref at);
            Write(contentType, ref at);
            Write(messageId, ref at);
            _length = at;
        }

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        private void Write(string field, ref int at)
        {
            int length = Encoding.UTF8.GetBytes(field, _buffer.AsSpan(at + sizeof(int)));
            BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), length);
            at += sizeof(int) + length;
        }
    }
}
