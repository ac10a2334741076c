namespace Catga;

/// <summary>Settings of the Catga runtime, given to <see cref="CatgaServiceCollectionExtensions.AddCatga"/>.</summary>
public sealed class CatgaOptions
{
    /// <summary>How the handlers of one event run. <see cref="EventPublishMode.Sequential"/> by default.</summary>
    public EventPublishMode PublishMode { get; set; } = EventPublishMode.Sequential;

    internal void Validate()
    {
        if (PublishMode is not (EventPublishMode.Sequential or EventPublishMode.Concurrent))
        {
            throw new ArgumentOutOfRangeException(nameof(PublishMode), PublishMode, $"CatgaOptions.PublishMode must be {nameof(EventPublishMode.Sequential)} or {nameof(EventPublishMode.Concurrent)}, but was {(int)PublishMode}.");
        }
    }
}
