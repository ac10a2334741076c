namespace Catga.Nats.JetStream;

/// <summary>A position of a consumer: its own sequence and the stream sequence it corresponds to.</summary>
public sealed record SequenceInfo
{
    /// <summary>The consumer sequence.</summary>
    public long ConsumerSeq { get; init; }

    /// <summary>The stream sequence.</summary>
    public long StreamSeq { get; init; }
}
