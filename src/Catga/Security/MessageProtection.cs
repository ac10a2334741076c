namespace Catga.Security;

/// <summary>How a message's body is protected on the wire and at rest (outboxes, streams, dead letters).</summary>
public enum MessageProtection
{
    /// <summary>Sent as serialized.</summary>
    None = 0,

    /// <summary>Authentic but readable: an HMAC-SHA256 over the body and the bound headers travels with it.</summary>
    Signed = 1,

    /// <summary>Secret and authentic: the body is encrypted with AES-256-GCM, the bound headers are authenticated with it.</summary>
    Encrypted = 2,
}
