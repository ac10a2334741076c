namespace Catga.Sagas;

/// <summary>A saga the generated module registered, by name: operators' tools (the dashboard) list them to offer a
/// choice of sagas to browse.</summary>
/// <param name="Name">The saga's name (<see cref="SagaDefinition{TState}.Name"/>), as stored.</param>
internal sealed record RegisteredSaga(string Name);
