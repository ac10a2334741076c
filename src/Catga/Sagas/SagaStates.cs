namespace Catga.Sagas;

/// <summary>The state names every saga has.</summary>
public static class SagaStates
{
    /// <summary>The state of a new instance, before its starting handler has run.</summary>
    public const string Initial = "Initial";

    /// <summary>The final state after <see cref="SagaStep"/> <c>Complete()</c>.</summary>
    public const string Completed = "Completed";

    /// <summary>The final state after <c>Compensate()</c>: the compensations of every completed step have been sent, in
    /// reverse order, and the instance takes no more messages.</summary>
    public const string Failed = "Failed";
}
