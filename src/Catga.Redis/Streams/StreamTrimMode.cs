namespace Catga.Redis.Streams;

/// <summary>How XADD and XTRIM cap a stream.</summary>
public enum StreamTrimMode
{
    /// <summary>Keep at most a number of entries (MAXLEN).</summary>
    MaxLength,

    /// <summary>Drop the entries with ids below a given id (MINID).</summary>
    MinId,
}
