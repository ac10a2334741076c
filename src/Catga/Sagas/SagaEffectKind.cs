namespace Catga.Sagas;

/// <summary>What a <see cref="SagaEffect"/> asks the runtime to do.</summary>
public enum SagaEffectKind
{
    /// <summary>Send a command.</summary>
    Send = 0,

    /// <summary>Publish an event.</summary>
    Publish = 1,

    /// <summary>Deliver a message back to the saga later (a timeout).</summary>
    Schedule = 2,

    /// <summary>Cancel the pending timeouts of one message type.</summary>
    Cancel = 3,

    /// <summary>Record the command that undoes this step, sent only if the saga compensates.</summary>
    Compensation = 4,
}
