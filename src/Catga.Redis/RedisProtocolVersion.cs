namespace Catga.Redis;

/// <summary>The RESP version spoken on a connection.</summary>
public enum RedisProtocolVersion
{
    /// <summary>RESP2, spoken by every Redis version.</summary>
    Resp2 = 2,

    /// <summary>RESP3, negotiated with HELLO 3 on Redis 6 and later.</summary>
    Resp3 = 3,
}
