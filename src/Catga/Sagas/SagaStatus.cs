namespace Catga.Sagas;

/// <summary>Whether a saga instance still takes messages.</summary>
public enum SagaStatus
{
    /// <summary>Running: its handlers take messages.</summary>
    Active = 0,

    /// <summary>Ended in <see cref="SagaStates.Completed"/>; messages for it are ignored until it is removed.</summary>
    Completed = 1,

    /// <summary>Ended in <see cref="SagaStates.Failed"/> after compensating; messages for it are ignored until it is removed.</summary>
    Failed = 2,
}
