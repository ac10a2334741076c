using System.ComponentModel;
using Catga.Validation;

namespace Catga.Runtime;

/// <summary>
/// One validator of one message type, as found by the source generator: the rules generated from the message's
/// validation attributes (registered by the module of the project that declares the message, so they apply in every
/// project that handles it) or a hand-written <see cref="IMessageValidator{TMessage}"/> class.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ValidatorDefinition<TMessage> : IRegistration, IValidatorGroupFactory, IBaseValidatorDefinition
    where TMessage : class, IMessage
{
    /// <summary>Creates the definition.</summary>
    /// <param name="messageType">The message type's full name.</param>
    /// <param name="validatorType">The validator type's full name.</param>
    /// <param name="isSingleton">Whether the validator is a singleton, so it can be resolved once.</param>
    /// <param name="resolve">Resolves the validator from a provider.</param>
    public ValidatorDefinition(string messageType, string validatorType, bool isSingleton, Func<IServiceProvider, IMessageValidator<TMessage>> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        MessageType = messageType;
        HandlerType = validatorType;
        IsSingleton = isSingleton;
        Resolve = resolve;
    }

    /// <summary>The message type's full name.</summary>
    public string MessageType { get; }

    /// <summary>The validator type's full name.</summary>
    public string HandlerType { get; }

    /// <summary>Whether the validator is a singleton.</summary>
    public bool IsSingleton { get; }

    /// <summary>Resolves the validator from a provider.</summary>
    public Func<IServiceProvider, IMessageValidator<TMessage>> Resolve { get; }

    int IRegistration.Slot => MessageSlot<TMessage>.Index;

    Type IRegistration.MessageClrType => typeof(TMessage);

    IBaseValidator IBaseValidatorDefinition.ResolveForDerived(IServiceProvider services) => new BaseValidator<TMessage>(Resolve(services));

    object IValidatorGroupFactory.CreateGroup(List<IRegistration> definitions, IServiceProvider rootServices)
    {
        var typed = new ValidatorDefinition<TMessage>[definitions.Count];
        for (int i = 0; i < typed.Length; i++)
        {
            typed[i] = (ValidatorDefinition<TMessage>)definitions[i];
        }

        return new MessageValidators<TMessage>(typed, rootServices);
    }
}
