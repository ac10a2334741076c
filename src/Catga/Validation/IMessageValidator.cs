namespace Catga.Validation;

/// <summary>
/// Validates one message type. The generator emits one from the validation attributes on a message's members
/// (System.ComponentModel.DataAnnotations: <c>[Required]</c>, <c>[Range]</c>, <c>[StringLength]</c>, ...); classes
/// the application writes are found at compile time, registered, and run after it. Requests that have validators are
/// validated just before their handler; an invalid request gets a <see cref="CatgaErrorCodes.Validation"/> failure and
/// its handler is not called.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageValidator<TMessage>
{
    /// <summary>Adds an error to <paramref name="errors"/> for every rule <paramref name="message"/> breaks.</summary>
    /// <param name="message">The message.</param>
    /// <param name="errors">Collects the errors; it allocates only when the first error is added.</param>
    void Validate(TMessage message, ref ValidationErrors errors);
}
