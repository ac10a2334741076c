using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Catga.Serialization;
using Catga.Transport;

namespace Catga.Security;

/// <summary>
/// Protects bodies on the way out and opens them on the way in. The authenticated data binds the protection, the wire
/// name, the key id, the content type and the message id, so a protected body cannot be replayed as another message
/// type or under another message id, and none of those headers can be altered unnoticed. Receivers fail closed: every
/// problem throws <see cref="CatgaSerializationException"/>, which the consumer dead-letters at once, naming it.
/// </summary>
internal sealed class MessageSecurity
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
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

    /// <summary>Protects <paramref name="body"/> as <paramref name="type"/> requires, adding the security headers.</summary>
    public ReadOnlyMemory<byte> Protect(MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body)
    {
        var protection = Required(type);
        if (protection == MessageProtection.None)
        {
            return body;
        }

        var key = _keys.Current;
        headers.Set(MessageSecurityHeaderNames.KeyId, key.Id);
        if (protection == MessageProtection.Encrypted)
        {
            headers.Set(MessageSecurityHeaderNames.Protection, MessageSecurityHeaderNames.Aes256Gcm);
            byte[] associated = AssociatedData(MessageSecurityHeaderNames.Aes256Gcm, type.Name, key.Id, headers);
            var sealedBody = new byte[NonceSize + body.Length + TagSize];
            var nonce = sealedBody.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key.EncryptionKey, TagSize);
            aes.Encrypt(nonce, body.Span, sealedBody.AsSpan(NonceSize, body.Length), sealedBody.AsSpan(NonceSize + body.Length), associated);
            return sealedBody;
        }

        headers.Set(MessageSecurityHeaderNames.Protection, MessageSecurityHeaderNames.HmacSha256);
        headers.Set(MessageSecurityHeaderNames.Signature, Convert.ToBase64String(Sign(key, type.Name, headers, body.Span)));
        return body;
    }

    /// <summary>Checks and opens a received body; throws when it does not carry the protection its type requires, or
    /// when its key is unknown or its tag does not verify.</summary>
    public ReadOnlyMemory<byte> Open(MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body)
    {
        var required = Required(type);
        string? scheme = headers[MessageSecurityHeaderNames.Protection];
        if (scheme is null)
        {
            if (required != MessageProtection.None)
            {
                throw Refused(type, $"it must arrive {Describe(required)} but arrived unprotected");
            }

            return body;
        }

        if (scheme is not (MessageSecurityHeaderNames.Aes256Gcm or MessageSecurityHeaderNames.HmacSha256))
        {
            throw Refused(type, $"its protection '{scheme}' is not one this process knows (aes-256-gcm, hmac-sha256)");
        }

        if (required == MessageProtection.Encrypted && scheme != MessageSecurityHeaderNames.Aes256Gcm)
        {
            throw Refused(type, "it must arrive encrypted but arrived only signed");
        }

        string? keyId = headers[MessageSecurityHeaderNames.KeyId];
        if (keyId is null || !_keys.TryGet(keyId, out var key))
        {
            throw Refused(type, keyId is null ? "it names no key id" : $"its key id '{keyId}' is not held by this process's key provider (retired, or never distributed here)");
        }

        if (scheme == MessageSecurityHeaderNames.HmacSha256)
        {
            string? signature = headers[MessageSecurityHeaderNames.Signature];
            Span<byte> received = stackalloc byte[HMACSHA256.HashSizeInBytes];
            if (signature is null || !Convert.TryFromBase64String(signature, received, out int written) || written != received.Length
                || !CryptographicOperations.FixedTimeEquals(received, Sign(key, type.Name, headers, body.Span)))
            {
                throw Refused(type, "its signature does not verify: the body or a bound header (wire name, key id, content type, message id) was altered");
            }

            return body;
        }

        if (body.Length < NonceSize + TagSize)
        {
            throw Refused(type, $"its encrypted body is {body.Length} bytes, shorter than a nonce and a tag");
        }

        byte[] associated = AssociatedData(MessageSecurityHeaderNames.Aes256Gcm, type.Name, keyId, headers);
        var span = body.Span;
        var plain = new byte[body.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.EncryptionKey, TagSize);
            aes.Decrypt(span[..NonceSize], span.Slice(NonceSize, plain.Length), span[^TagSize..], plain, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Refused(type, "its authentication tag does not verify: the body or a bound header (wire name, key id, content type, message id) was altered, or it was encrypted for another message");
        }

        return plain;
    }

    private static byte[] Sign(MessageKey key, string wireName, MessageHeaders headers, ReadOnlySpan<byte> body)
    {
        byte[] associated = AssociatedData(MessageSecurityHeaderNames.HmacSha256, wireName, key.Id, headers);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.SigningKey);
        hmac.AppendData(associated);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The bound fields, each length-prefixed so no two different sets of fields encode to the same bytes.
    /// The wire name is the receiver's (the type it is about to read), so a body relabelled as another type fails.</summary>
    private static byte[] AssociatedData(string scheme, string wireName, string keyId, MessageHeaders headers)
    {
        string[] fields =
        [
            "catga-security-v1",
            scheme,
            wireName,
            keyId,
            headers[MessageHeaderNames.ContentType] ?? string.Empty,
            headers[MessageHeaderNames.MessageId] ?? string.Empty,
        ];
        int size = 0;
        foreach (var field in fields)
        {
            size += 4 + Encoding.UTF8.GetByteCount(field);
        }

        var data = new byte[size];
        int at = 0;
        foreach (var field in fields)
        {
            int length = Encoding.UTF8.GetBytes(field, data.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(at), length);
            at += 4 + length;
        }

        return data;
    }

    private static string Describe(MessageProtection protection) => protection == MessageProtection.Encrypted ? "encrypted" : "signed";

    private static CatgaSerializationException Refused(MessageTypeInfo type, string reason)
        => new($"Message security refused '{type.Name}': {reason}. It is not handled.");
}
