namespace Catga.Security;

/// <summary>The headers a protected message carries next to the standard ones.</summary>
public static class MessageSecurityHeaderNames
{
    /// <summary>How the body is protected: <c>aes-256-gcm</c> or <c>hmac-sha256</c>. Absent on unprotected messages.</summary>
    public const string Protection = "catga-protection";

    /// <summary>The id of the key the message was protected with.</summary>
    public const string KeyId = "catga-key-id";

    /// <summary>The base64 HMAC-SHA256 of a signed message.</summary>
    public const string Signature = "catga-signature";

    internal const string Aes256Gcm = "aes-256-gcm";
    internal const string HmacSha256 = "hmac-sha256";
}
