namespace Catga.Nats.JetStream;

/// <summary>What a stream holds.</summary>
public sealed record StreamState
{
    /// <summary>Messages stored.</summary>
    public long Messages { get; init; }

    /// <summary>Bytes stored.</summary>
    public long Bytes { get; init; }

    /// <summary>The sequence of the first stored message.</summary>
    public long FirstSeq { get; init; }

    /// <summary>The sequence of the last stored message.</summary>
    public long LastSeq { get; init; }

    /// <summary>How many consumers the stream has.</summary>
    public int ConsumerCount { get; init; }
}
