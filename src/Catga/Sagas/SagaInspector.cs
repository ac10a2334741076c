namespace Catga.Sagas;

/// <summary>Reads saga instances: their state, data and history, for dashboards, support and tests. Resolve it from
/// the service provider; pass the saga's generated <c>Definition</c>.</summary>
public sealed class SagaInspector
{
    private readonly ISagaStore _store;

    /// <summary>Creates the inspector.</summary>
    /// <param name="store">The saga store.</param>
    public SagaInspector(ISagaStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Reads one instance.</summary>
    /// <typeparam name="TState">The saga's data type.</typeparam>
    /// <param name="saga">The saga's generated definition, for example <c>OrderSaga.Definition</c>.</param>
    /// <param name="key">The instance key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instance, or <see langword="null"/> when none has that key (or it was removed after its retention).</returns>
    public async ValueTask<SagaInstance<TState>?> GetAsync<TState>(SagaDefinition<TState> saga, string key, CancellationToken cancellationToken = default)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(key);
        var record = (await _store.LoadAsync(saga.Name, key, default, cancellationToken).ConfigureAwait(false)).Record;
        if (record is null)
        {
            return null;
        }

        var history = await _store.ReadHistoryAsync(saga.Name, key, cancellationToken).ConfigureAwait(false);
        return new SagaInstance<TState>(record.Key, record.StateName, record.Status, saga.Deserialize(record.State), record.Revision, record.Timeouts, history);
    }
}
