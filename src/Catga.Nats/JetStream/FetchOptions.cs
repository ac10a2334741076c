namespace Catga.Nats.JetStream;

/// <summary>How much a fetch asks for and how long it waits.</summary>
public sealed record FetchOptions
{
    /// <summary>The most messages to return.</summary>
    public int MaxMessages { get; init; } = 10;

    /// <summary>How long the server holds the request open waiting for messages.</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Return at once with what is available instead of waiting.</summary>
    public bool NoWait { get; init; }

    /// <summary>The most bytes to return; 0 for no limit.</summary>
    public long MaxBytes { get; init; }
}
