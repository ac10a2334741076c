namespace Catga;

/// <summary>How <see cref="ICatgaMediator.PublishAsync"/> runs the handlers of one event.</summary>
public enum EventPublishMode
{
    /// <summary>One after another, in compile-time order. Every handler runs even if an earlier one failed.</summary>
    Sequential = 0,

    /// <summary>All handlers start at once; the call completes when all have finished.</summary>
    Concurrent = 1,
}
