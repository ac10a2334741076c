namespace Catga.Sagas;

/// <summary>What <see cref="ISagaStore.LoadAsync"/> read: an instance's head and whether it handled a given message.</summary>
/// <param name="Record">The head, or <see langword="null"/> when the instance does not exist.</param>
/// <param name="Handled">Whether the message id asked about is among the ids the instance remembers.</param>
public readonly record struct SagaLoadResult(SagaRecord? Record, bool Handled);
