namespace Catga.Sagas;

/// <summary>One write of a saga instance (<see cref="ISagaStore.TryCommitAsync"/>): the new head, the revision it
/// replaces, and what to add to the handled ids and the history, all applied in one atomic step or not at all.</summary>
public sealed class SagaCommit
{
    /// <summary>The new head; its <see cref="SagaRecord.Revision"/> is <see cref="ExpectedRevision"/> + 1.</summary>
    public required SagaRecord Record { get; init; }

    /// <summary>The revision the write started from (0: the instance must not exist).</summary>
    public required long ExpectedRevision { get; init; }

    /// <summary>The id of the message this transition handled, added to the instance's handled ids; empty for a write
    /// that only removes carried-out effects.</summary>
    public MessageId Handled { get; init; }

    /// <summary>The history entry to append, or <see langword="null"/>.</summary>
    public SagaHistoryEntry? History { get; init; }

    /// <summary>How many handled ids the instance keeps (the oldest are dropped). At least 1.</summary>
    public int ProcessedIdLimit { get; init; } = 256;

    /// <summary>How many history entries the instance keeps (the oldest are dropped); 0 keeps none.</summary>
    public int HistoryLimit { get; init; } = 64;

    /// <summary>How long a final instance is kept after this write (so late messages are recognised); ignored while
    /// the instance is active.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Checks the commit before a store writes it.</summary>
    /// <exception cref="ArgumentException">The revisions do not follow each other, or a limit or the retention is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Record);
        if (Record.Revision != ExpectedRevision + 1)
        {
            throw new ArgumentException($"The record's revision is {Record.Revision}; a commit from revision {ExpectedRevision} must write revision {ExpectedRevision + 1}.", nameof(Record));
        }

        if (ProcessedIdLimit < 1)
        {
            throw new ArgumentException($"SagaCommit.ProcessedIdLimit must be at least 1 (it is {ProcessedIdLimit}).", nameof(ProcessedIdLimit));
        }

        if (HistoryLimit < 0)
        {
            throw new ArgumentException($"SagaCommit.HistoryLimit must not be negative (it is {HistoryLimit}).", nameof(HistoryLimit));
        }

        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SagaCommit.Retention must be positive (it is {Retention}).", nameof(Retention));
        }
    }
}
