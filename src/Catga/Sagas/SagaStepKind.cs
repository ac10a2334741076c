namespace Catga.Sagas;

/// <summary>What a <see cref="SagaStep"/> does with the instance.</summary>
public enum SagaStepKind
{
    /// <summary>Moves to a state (possibly the same one) and stays active.</summary>
    Transition = 0,

    /// <summary>Ends in <see cref="SagaStates.Completed"/>.</summary>
    Complete = 1,

    /// <summary>Sends the logged compensations in reverse order and ends in <see cref="SagaStates.Failed"/>.</summary>
    Compensate = 2,
}
