namespace Catga.Redis;

/// <summary>The RESP2/RESP3 type of a reply received from the server.</summary>
public enum RedisReplyType : byte
{
    /// <summary>No reply: the default value of <see cref="RedisReply"/>.</summary>
    None = 0,

    /// <summary>A simple string (<c>+</c>).</summary>
    SimpleString,

    /// <summary>A simple error (<c>-</c>) or blob error (<c>!</c>).</summary>
    Error,

    /// <summary>A 64-bit signed integer (<c>:</c>).</summary>
    Integer,

    /// <summary>A binary-safe bulk string (<c>$</c>).</summary>
    BulkString,

    /// <summary>An array (<c>*</c>).</summary>
    Array,

    /// <summary>A null: RESP3 <c>_</c>, or the RESP2 null bulk string and null array.</summary>
    Null,

    /// <summary>A double (<c>,</c>).</summary>
    Double,

    /// <summary>A boolean (<c>#</c>).</summary>
    Boolean,

    /// <summary>A big number (<c>(</c>).</summary>
    BigNumber,

    /// <summary>A verbatim string with a three-letter format (<c>=</c>).</summary>
    VerbatimString,

    /// <summary>A map (<c>%</c>); its elements are flattened as key, value, key, value.</summary>
    Map,

    /// <summary>A set (<c>~</c>).</summary>
    Set,

    /// <summary>An out-of-band push frame (<c>&gt;</c>), never the reply to a command.</summary>
    Push,
}
