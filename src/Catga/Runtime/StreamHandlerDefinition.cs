using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>The handler of one stream request type and the stream behaviors around it, as found by the source generator.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamHandlerDefinition<TRequest, TItem> : IRegistration, IPipelineFactory
    where TRequest : class, IStreamRequest<TItem>
{
    /// <summary>Creates the definition.</summary>
    /// <param name="messageType">The request type's full name.</param>
    /// <param name="handlerType">The handler type's full name.</param>
    /// <param name="isSingleton">Whether the handler and every behavior are singletons, so the chain can be built once.</param>
    /// <param name="resolve">Builds the chain (behaviors outermost first, then the handler) from a provider.</param>
    public StreamHandlerDefinition(string messageType, string handlerType, bool isSingleton, Func<IServiceProvider, StreamNext<TRequest, TItem>> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        MessageType = messageType;
        HandlerType = handlerType;
        IsSingleton = isSingleton;
        Resolve = resolve;
    }

    /// <summary>The request type's full name.</summary>
    public string MessageType { get; }

    /// <summary>The handler type's full name.</summary>
    public string HandlerType { get; }

    /// <summary>Whether the handler and every behavior are singletons.</summary>
    public bool IsSingleton { get; }

    /// <summary>Builds the chain (behaviors outermost first, then the handler) from a provider.</summary>
    public Func<IServiceProvider, StreamNext<TRequest, TItem>> Resolve { get; }

    int IRegistration.Slot => MessageSlot<TRequest>.Index;

    Type IRegistration.MessageClrType => typeof(TRequest);

    object IPipelineFactory.CreatePipeline(CatgaRuntime runtime) => new StreamPipeline<TRequest, TItem>(this, runtime);
}
