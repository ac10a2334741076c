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
}
