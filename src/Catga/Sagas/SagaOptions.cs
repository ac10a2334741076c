namespace Catga.Sagas;

/// <summary>Options of the saga runtime.</summary>
public sealed class SagaOptions
{
    /// <summary>How long a completed or failed instance is kept before the store removes it, so late and duplicate
    /// messages for it are recognised and ignored. Default: 7 days.</summary>
    public TimeSpan CompletedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many times a transition is retried when another worker changed the instance first. Default: 16.
    /// After that the message fails with a retryable error and the transport delivers it again.</summary>
    public int MaxConflictRetries { get; set; } = 16;

    /// <summary>How many handled message ids an instance remembers to recognise redeliveries. Default: 256.</summary>
    public int ProcessedIdLimit { get; set; } = 256;

    /// <summary>How many history entries an instance keeps (oldest dropped first). Default: 64.</summary>
    public int HistoryLimit { get; set; } = 64;

    internal void Validate()
    {
        if (CompletedRetention <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CompletedRetention), CompletedRetention, "SagaOptions.CompletedRetention must be positive.");
        }

        if (MaxConflictRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConflictRetries), MaxConflictRetries, "SagaOptions.MaxConflictRetries must not be negative.");
        }

        if (ProcessedIdLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ProcessedIdLimit), ProcessedIdLimit, "SagaOptions.ProcessedIdLimit must be at least 1.");
        }

        if (HistoryLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryLimit), HistoryLimit, "SagaOptions.HistoryLimit must not be negative.");
        }
    }
}
