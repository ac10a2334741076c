namespace Catga.Redis;

/// <summary>
/// Bounds the parser puts on what a server may send, so that a hostile or broken server cannot make the client
/// allocate without limit or recurse without end. A reply exceeding a limit fails with <see cref="RedisProtocolException"/>.
/// </summary>
public sealed class RedisProtocolLimits
{
    /// <summary>The largest bulk string accepted. Default 512 MiB, the server's own proto-max-bulk-len default.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>The most elements an array, set or push frame (or entries a map) may declare. Default 16 Mi.</summary>
    public long MaxAggregateLength { get; init; } = 16L * 1024 * 1024;

    /// <summary>How deeply aggregates may nest. Default 32; Redis itself nests a handful of levels.</summary>
    public int MaxNestingDepth { get; init; } = 32;

    /// <summary>The longest simple string, error or number line accepted. Default 64 KiB.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>The most bytes one complete reply may occupy, buffered before it is parsed. Default 512 MiB.</summary>
    public long MaxFrameLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static RedisProtocolLimits Default { get; } = new();
}
