namespace Catga.Distributed;

/// <summary>The outbox relay: the background loop that hands outbox messages to the transport, on one node at a time.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Whether this process runs the relay (default true; one node at a time holds the lease).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages read and sent per round (default 256).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How long the relay sleeps when the outbox is empty and nothing new was written here (default 50 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The lease lock's name (default <c>catga-outbox-relay</c>).</summary>
    public string LockName { get; set; } = "catga-outbox-relay";

    /// <summary>How long the lease lasts without renewal (default 10 s); renewed every third of it.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate(List<string> problems)
    {
        if (BatchSize < 1)
        {
            problems.Add($"OutboxRelay.BatchSize must be at least 1 (it is {BatchSize}).");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"OutboxRelay.PollInterval must be positive (it is {PollInterval}).");
        }

        if (LeaseTime < TimeSpan.FromMilliseconds(300))
        {
            problems.Add($"OutboxRelay.LeaseTime must be at least 300 ms (it is {LeaseTime}).");
        }

        if (string.IsNullOrWhiteSpace(LockName))
        {
            problems.Add("OutboxRelay.LockName is empty.");
        }
    }
}
