namespace Catga.Nats.JetStream;

/// <summary>A stream's configuration and state, as the server reports them.</summary>
public sealed record StreamInfo
{
    /// <summary>The configuration, with the server's defaults filled in.</summary>
    public required StreamConfig Config { get; init; }

    /// <summary>What the stream holds.</summary>
    public required StreamState State { get; init; }

    /// <summary>When the stream was created.</summary>
    public DateTimeOffset Created { get; init; }
}
