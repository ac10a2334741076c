namespace Catga.Testing;

/// <summary>What happened to a message, as a <see cref="TrackedSession"/> saw it.</summary>
public enum ObservationKind
{
    /// <summary>A command was sent to the service that handles it.</summary>
    Sent,

    /// <summary>An event was published; each subscribed service gets its own delivery.</summary>
    Published,

    /// <summary>A request was sent and its caller waits for the reply.</summary>
    Requested,

    /// <summary>A service's handler finished with the delivery and it was acknowledged (a request's reply may still
    /// carry a failed result).</summary>
    Handled,

    /// <summary>A handler failed and the delivery will come again after the retry delay.</summary>
    Retried,

    /// <summary>A failed request: requests are not redelivered, the caller gets the failure.</summary>
    Failed,

    /// <summary>The delivery was put back without counting an attempt (open circuit, rate limit, inbox claim held
    /// elsewhere).</summary>
    Deferred,

    /// <summary>The message was stored as a dead letter and removed without being handled.</summary>
    DeadLettered,
}
