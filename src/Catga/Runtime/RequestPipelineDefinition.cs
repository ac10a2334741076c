using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// The compile-time composition of one request type's pipeline: which behaviors run, in which order, around which
/// handler. The source generator emits one subclass per request type; the runtime calls <see cref="Compose"/> once
/// when every component is a singleton, otherwise once per call in the call's scope.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class RequestPipelineDefinition<TRequest, TResponse> : IRegistration, IPipelineFactory
    where TRequest : class, IRequest<TResponse>
{
    /// <summary>Creates the definition.</summary>
    /// <param name="messageType">The request type's full name.</param>
    /// <param name="handlerType">The handler type's full name.</param>
    /// <param name="isSingleton">Whether the handler and every behavior are singletons, so the composed chain can be reused.</param>
    protected RequestPipelineDefinition(string messageType, string handlerType, bool isSingleton)
    {
        MessageType = messageType;
        HandlerType = handlerType;
        IsSingleton = isSingleton;
    }

    /// <summary>The request type's full name.</summary>
    public string MessageType { get; }

    /// <summary>The handler type's full name.</summary>
    public string HandlerType { get; }

    /// <summary>Whether the handler and every behavior are singletons.</summary>
    public bool IsSingleton { get; }

    int IRegistration.Slot => MessageSlot<TRequest>.Index;

    Type IRegistration.MessageClrType => typeof(TRequest);

    object IPipelineFactory.CreatePipeline(CatgaRuntime runtime) => new RequestPipeline<TRequest, TResponse>(this, runtime);

    /// <summary>Builds the chain of behaviors, validation and the handler from <paramref name="services"/>.</summary>
    /// <param name="services">The provider to resolve the handler and behaviors from.</param>
    /// <param name="validators">The validators registered for the request by any project, or <see langword="null"/>.</param>
    /// <returns>The outermost step of the chain.</returns>
    public abstract PipelineNext<TRequest, TResponse> Compose(IServiceProvider services, MessageValidators<TRequest>? validators);
}
