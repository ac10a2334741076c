namespace Catga.Sagas;

/// <summary>One page of <see cref="ISagaStore.ListAsync"/>.</summary>
/// <param name="Instances">The heads, in the query's order (at most its limit; a filtered page can hold fewer).</param>
/// <param name="NextCursor">Pass as <see cref="SagaListQuery.Cursor"/> to read on; <see langword="null"/> when no
/// instance follows. A store that stops early (so one call stays bounded) returns a cursor with a short page, and the
/// page after a full one can be empty.</param>
public sealed record SagaPage(IReadOnlyList<SagaRecord> Instances, string? NextCursor);
