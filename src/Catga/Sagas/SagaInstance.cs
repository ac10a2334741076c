namespace Catga.Sagas;

/// <summary>A saga instance as read by <see cref="SagaInspector"/>: its state, data and history.</summary>
/// <typeparam name="TState">The saga's data type.</typeparam>
/// <param name="Key">The instance key.</param>
/// <param name="StateName">The state it is in.</param>
/// <param name="Status">Whether it still takes messages.</param>
/// <param name="State">Its data.</param>
/// <param name="Revision">How many changes were stored.</param>
/// <param name="ActiveTimeouts">Its timeouts not yet fired, handled or cancelled.</param>
/// <param name="History">The messages it handled, oldest first.</param>
public sealed record SagaInstance<TState>(
    string Key,
    string StateName,
    SagaStatus Status,
    TState State,
    long Revision,
    IReadOnlyList<SagaStoredMessage> ActiveTimeouts,
    IReadOnlyList<SagaHistoryEntry> History);
