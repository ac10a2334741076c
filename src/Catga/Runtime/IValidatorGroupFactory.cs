namespace Catga.Runtime;

/// <summary>Builds the <see cref="MessageValidators{TMessage}"/> of one message type from its definitions, without
/// reflection: the first definition knows the message type statically.</summary>
internal interface IValidatorGroupFactory
{
    /// <summary>Creates the group.</summary>
    /// <param name="definitions">Every validator definition of one message type, in registration order.</param>
    /// <param name="rootServices">The root provider, to resolve singleton validators once.</param>
    /// <returns>A <see cref="MessageValidators{TMessage}"/>.</returns>
    object CreateGroup(List<IRegistration> definitions, IServiceProvider rootServices);
}
