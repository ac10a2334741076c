using System.ComponentModel;

namespace Catga.Versioning;

/// <summary>The steps generated upcast chains are made of. Called by generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MessageUpcast
{
    /// <summary>Converts one version to the next through its <see cref="IUpcastFrom{TPrevious, TSelf}"/>.</summary>
    /// <typeparam name="TPrevious">The version converted from.</typeparam>
    /// <typeparam name="TNext">The version converted to.</typeparam>
    /// <param name="previous">The message to convert.</param>
    /// <returns>The converted message.</returns>
    public static TNext Step<TPrevious, TNext>(TPrevious previous)
        where TNext : IUpcastFrom<TPrevious, TNext>
        => TNext.UpcastFrom(previous);

    /// <summary>Gives the converted message the envelope ids of the original, so deduplication, correlation and
    /// tracing see one message, whatever version it was written in.</summary>
    /// <param name="original">The message as it was read.</param>
    /// <param name="current">The message converted to the current version.</param>
    /// <returns>The current version with the original's ids.</returns>
    public static object KeepEnvelope(IMessage original, object current)
        => current is IMessage converted
            ? converted.WithEnvelope(original.MessageId, original.CorrelationId, original.CausationId)
            : current;
}
