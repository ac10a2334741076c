using System.Security.Cryptography;
using System.Text;

namespace Catga.Security;

/// <summary>
/// One 256-bit key with its id. The id travels with every protected message so the receiver picks the same key; the
/// key itself never travels. Separate subkeys for encryption and signing are derived from it with HKDF-SHA256, so one
/// key is never used by two algorithms.
/// </summary>
public sealed class MessageKey
{
    private static readonly byte[] s_encryptionInfo = Encoding.ASCII.GetBytes("catga/aes-256-gcm");
    private static readonly byte[] s_signingInfo = Encoding.ASCII.GetBytes("catga/hmac-sha256");

    /// <summary>Creates a key.</summary>
    /// <param name="id">A short stable id (letters, digits, '-', '_', '.'), for example <c>2026-12</c>.</param>
    /// <param name="material">Exactly 32 random bytes, for example from <see cref="RandomNumberGenerator"/> or a key vault.</param>
    /// <exception cref="ArgumentException">The id is empty or has other characters, or the material is not 32 bytes.</exception>
    public MessageKey(string id, ReadOnlySpan<byte> material)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"A message key id must be 1 to 64 characters of letters, digits, '-', '_' or '.'; got '{id}'.", nameof(id));
        }

        if (material.Length != 32)
        {
            throw new ArgumentException($"Message key '{id}' must be exactly 32 bytes (AES-256); got {material.Length}.", nameof(material));
        }

        Id = id;
        EncryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, material.ToArray(), 32, salt: [], info: s_encryptionInfo);
        SigningKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, material.ToArray(), 32, salt: [], info: s_signingInfo);
        Ciphers = new MessageKeyCiphers(EncryptionKey, SigningKey);
    }

    /// <summary>The key id.</summary>
    public string Id { get; }

    internal byte[] EncryptionKey { get; }

    internal byte[] SigningKey { get; }

    /// <summary>The pooled AES-GCM and HMAC states of this key.</summary>
    internal MessageKeyCiphers Ciphers { get; }

    /// <summary>Creates a key with fresh random material (for tests and for generating keys to store elsewhere).</summary>
    /// <param name="id">The key id.</param>
    /// <returns>The key.</returns>
    public static MessageKey Generate(string id) => new(id, RandomNumberGenerator.GetBytes(32));
}
