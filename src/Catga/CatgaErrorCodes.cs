namespace Catga;

/// <summary>The error codes Catga itself produces. They are stable: they never change between versions.</summary>
public static class CatgaErrorCodes
{
    /// <summary>A handler, behavior or the pipeline threw an exception; <see cref="CatgaError.Exception"/> holds it.</summary>
    public const string HandlerException = "Catga.HandlerException";

    /// <summary>The call was cancelled through its <see cref="CancellationToken"/>.</summary>
    public const string Cancelled = "Catga.Cancelled";

    /// <summary>No handler is registered for the message type.</summary>
    public const string NoHandler = "Catga.NoHandler";

    /// <summary>One or more event handlers failed; <see cref="CatgaError.InnerErrors"/> holds one error per failed handler.</summary>
    public const string EventHandlerFailed = "Catga.EventHandlerFailed";

    /// <summary>The message is invalid; <see cref="CatgaError.FieldErrors"/> says which fields.</summary>
    public const string Validation = "Catga.Validation";

    /// <summary>The message type was not processed by the Catga source generator (it lacks a Catga message attribute
    /// or is not partial) and no handler for it was registered.</summary>
    public const string NotGenerated = "Catga.NotGenerated";

    /// <summary>A request sent to another service got no reply in time, or a handler ran longer than its timeout.</summary>
    public const string Timeout = "Catga.Timeout";

    /// <summary>A request was sent to a destination that no service consumes.</summary>
    public const string NoResponders = "Catga.NoResponders";

    /// <summary>The transport failed to send a message (the server is unreachable, for example).</summary>
    public const string TransportFailed = "Catga.TransportFailed";

    /// <summary>An incoming message could not be read: unknown type name, or a body that does not deserialize.</summary>
    public const string Deserialization = "Catga.Deserialization";

    /// <summary>The handler's circuit breaker is open after repeated failures; the message is retried later.</summary>
    public const string CircuitOpen = "Catga.CircuitOpen";

    /// <summary>The request cannot go to another process: its type or result type has no wire format.</summary>
    public const string NotSerializable = "Catga.NotSerializable";

    /// <summary>An incoming message's type does not belong to the subscription it arrived on (its <c>catga-type</c>
    /// header names another type than the destination carries); it is dead-lettered, never handled.</summary>
    public const string WrongDestination = "Catga.WrongDestination";

    /// <summary>The message is larger than its destination accepts (for NATS, the server's <c>max_payload</c>); it was
    /// not sent, nor written to the outbox.</summary>
    public const string MessageTooLarge = "Catga.MessageTooLarge";
}
