namespace Catga.Sagas;

/// <summary>Which instances of one saga <see cref="ISagaStore.ListAsync"/> returns, in which order, and from where.</summary>
public sealed class SagaListQuery
{
    /// <summary>The largest <see cref="Limit"/> a store accepts.</summary>
    public const int MaxLimit = 500;

    /// <summary>The saga name (<see cref="SagaAttribute.Name"/> or its class name).</summary>
    public required string Saga { get; init; }

    /// <summary>Only instances with this status, or <see langword="null"/> for all.</summary>
    public SagaStatus? Status { get; init; }

    /// <summary>Only instances in this state (ordinal match on <see cref="SagaRecord.StateName"/>), or
    /// <see langword="null"/> for all.</summary>
    public string? StateName { get; init; }

    /// <summary>The order of the instances.</summary>
    public SagaListOrder Order { get; init; }

    /// <summary>Where to continue: <see cref="SagaPage.NextCursor"/> of the previous page of the same query, or
    /// <see langword="null"/> for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>The most instances one page holds (1 to <see cref="MaxLimit"/>). Default 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Checks the query before a store runs it.</summary>
    /// <exception cref="ArgumentException">A value is out of range, or the cursor was not made for this order; the
    /// message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Saga))
        {
            throw new ArgumentException("SagaListQuery.Saga must name a saga.", nameof(Saga));
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"SagaListQuery.Limit must be between 1 and {MaxLimit} (it is {Limit}).", nameof(Limit));
        }

        if (Status is { } status && !Enum.IsDefined(status))
        {
            throw new ArgumentException($"SagaListQuery.Status {(int)status} is not a SagaStatus.", nameof(Status));
        }

        if (!Enum.IsDefined(Order))
        {
            throw new ArgumentException($"SagaListQuery.Order {(int)Order} is not a SagaListOrder.", nameof(Order));
        }

        _ = SagaListPosition.FromCursor(Cursor, Order);
    }

    /// <summary>Whether a head passes the status and state filters.</summary>
    internal bool Matches(SagaRecord record)
        => (Status is not { } status || record.Status == status)
            && (StateName is null || string.Equals(record.StateName, StateName, StringComparison.Ordinal));
}
