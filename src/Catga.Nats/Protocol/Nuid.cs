using System.Security.Cryptography;

namespace Catga.Nats.Protocol;

/// <summary>Random identifiers for inbox subjects: 22 base-62 characters, about 131 bits of randomness.</summary>
internal static class Nuid
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Next()
    {
        Span<byte> random = stackalloc byte[22];
        RandomNumberGenerator.Fill(random);
        return string.Create(22, random.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[bytes[i] % Alphabet.Length];
            }
        });
    }
}
