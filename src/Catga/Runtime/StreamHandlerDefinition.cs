using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>The handler of one stream request type, as found by the source generator.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamHandlerDefinition<TRequest, TItem> : IRegistration, IPipelineFactory
    where TRequest : class, IStreamRequest<TItem>
{
    /// <summary>Creates the definition.</summary>
    /// <param name="messageType">The request type's full name.</param>
    /// <param name="handlerType">The handler type's full name.</param>
    /// <param name="isSingleton">Whether the handler is a singleton, so it can be resolved once.</param>
    /// <param name="resolve">Resolves the handler from a provider.</param>
    public StreamHandlerDefinition(string messageType, string handlerType, bool isSingleton, Func<IServiceProvider, IStreamHandler<TRequest, TItem>> resolve)
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

    /// <summary>Whether the handler is a singleton.</summary>
    public bool IsSingleton { get; }

    /// <summary>Resolves the handler from a provider.</summary>
    public Func<IServiceProvider, IStreamHandler<TRequest, TItem>> Resolve { get; }

    int IRegistration.Slot => MessageSlot<TRequest>.Index;

    Type IRegistration.MessageClrType => typeof(TRequest);

    object IPipelineFactory.CreatePipeline(CatgaRuntime runtime) => new StreamPipeline<TRequest, TItem>(this, runtime);
}
