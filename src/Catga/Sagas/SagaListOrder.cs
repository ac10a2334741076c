namespace Catga.Sagas;

/// <summary>The order in which <see cref="ISagaStore.ListAsync"/> returns instances.</summary>
public enum SagaListOrder
{
    /// <summary>Newest first, by <see cref="SagaRecord.CreatedAt"/> (then by key, in reverse).</summary>
    NewestFirst = 0,

    /// <summary>By instance key, ordinal over its UTF-8 bytes.</summary>
    ByKey = 1,
}
