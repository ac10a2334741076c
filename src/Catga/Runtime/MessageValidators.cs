using System.ComponentModel;
using Catga.Validation;

namespace Catga.Runtime;

/// <summary>
/// Every validator registered for one message type, in the order they run: the generated rules first (their module
/// registers before the modules of referencing projects), then hand-written validators. Request pipelines put them in
/// a <see cref="ValidationStage{TRequest, TResponse}"/> just before the handler; event pipelines run them before the
/// first handler.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MessageValidators<TMessage>
    where TMessage : class, IMessage
{
    private readonly ValidatorDefinition<TMessage>[] _definitions;
    private readonly IServiceProvider _rootServices;
    private IMessageValidator<TMessage>[]? _singletons;

    internal MessageValidators(ValidatorDefinition<TMessage>[] definitions, IServiceProvider rootServices)
    {
        _definitions = definitions;
        _rootServices = rootServices;
        IsSingleton = Array.TrueForAll(definitions, static d => d.IsSingleton);
    }

    /// <summary>The definitions, in the order they run.</summary>
    internal ValidatorDefinition<TMessage>[] Definitions => _definitions;

    /// <summary>Whether every validator is a singleton.</summary>
    public bool IsSingleton { get; }

    /// <summary>The validators, resolved from <paramref name="services"/> when some are scoped or transient.</summary>
    /// <param name="services">The caller's provider.</param>
    /// <returns>The validators in the order they run.</returns>
    public IMessageValidator<TMessage>[] Resolve(IServiceProvider services)
    {
        if (!IsSingleton)
        {
            return Array.ConvertAll(_definitions, d => d.Resolve(services));
        }

        // Singletons (the generated validators always are) are resolved once, on first use, so validation allocates
        // nothing per call and a validator whose dependencies are missing fails only the messages it validates.
        // A race resolves the same singletons twice, which is harmless.
        return _singletons ??= Array.ConvertAll(_definitions, d => d.Resolve(_rootServices));
    }

    /// <summary>Runs every validator.</summary>
    /// <param name="message">The message.</param>
    /// <param name="services">The caller's provider.</param>
    /// <param name="messageType">The message type's name, for the error's message.</param>
    /// <returns>The validation failure, or <see langword="null"/> when the message is valid.</returns>
    internal CatgaError? Validate(TMessage message, IServiceProvider services, string messageType)
    {
        var errors = default(ValidationErrors);
        foreach (var validator in Resolve(services))
        {
            validator.Validate(message, ref errors);
        }

        return errors.Count == 0 ? null : errors.ToError(messageType);
    }
}
