using Catga.Validation;

namespace Catga.Runtime;

/// <summary>A validator of a base message type, seen without its type argument so that a derived message type can
/// reuse it (no reflection: the cast to the base type happens in code closed over the base type).</summary>
internal interface IBaseValidatorDefinition
{
    /// <summary>The validator type's full name.</summary>
    string HandlerType { get; }

    /// <summary>Whether the validator is a singleton.</summary>
    bool IsSingleton { get; }

    /// <summary>Resolves the validator as one that takes any instance of the base type.</summary>
    /// <param name="services">The provider.</param>
    /// <returns>The validator.</returns>
    IBaseValidator ResolveForDerived(IServiceProvider services);
}

/// <summary>Validates an instance of a base message type given as <see cref="object"/>.</summary>
internal interface IBaseValidator
{
    /// <summary>Validates <paramref name="message"/>, an instance of the base type (or of a type derived from it).</summary>
    /// <param name="message">The message.</param>
    /// <param name="errors">Collects the errors.</param>
    void Validate(object message, ref ValidationErrors errors);
}

/// <summary>The base type's validator, typed for <typeparamref name="TMessage"/>, which derives from that base type
/// and so carries the validated members.</summary>
/// <typeparam name="TMessage">The derived message type.</typeparam>
internal sealed class InheritedValidator<TMessage>(IBaseValidator inner) : IMessageValidator<TMessage>
    where TMessage : class, IMessage
{
    public void Validate(TMessage message, ref ValidationErrors errors) => inner.Validate(message, ref errors);
}

/// <summary>Adapts a validator of <typeparamref name="TBase"/> to <see cref="IBaseValidator"/>.</summary>
/// <typeparam name="TBase">The base message type.</typeparam>
internal sealed class BaseValidator<TBase>(IMessageValidator<TBase> inner) : IBaseValidator
    where TBase : class, IMessage
{
    public void Validate(object message, ref ValidationErrors errors) => inner.Validate((TBase)message, ref errors);
}
