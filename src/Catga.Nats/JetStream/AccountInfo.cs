namespace Catga.Nats.JetStream;

/// <summary>The JetStream usage of the account.</summary>
public sealed record AccountInfo
{
    /// <summary>Bytes of memory storage used.</summary>
    public long Memory { get; init; }

    /// <summary>Bytes of file storage used.</summary>
    public long Storage { get; init; }

    /// <summary>Streams in the account.</summary>
    public int Streams { get; init; }

    /// <summary>Consumers in the account.</summary>
    public int Consumers { get; init; }
}
