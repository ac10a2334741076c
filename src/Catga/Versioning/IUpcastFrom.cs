namespace Catga.Versioning;

/// <summary>
/// Declares that a message is the next version of <typeparamref name="TPrevious"/> and how to convert a previous-version
/// payload into it. Keep the previous version's type (with its shipped wire name) so its payloads can still be read; a
/// consumer on the new code reads them, converts them along the chain of versions to the current one (generated code,
/// no reflection) and runs the handlers of the current version. See docs/versioning.md.
/// </summary>
/// <typeparam name="TPrevious">The previous version, a Catga message of this project.</typeparam>
/// <typeparam name="TSelf">This message type.</typeparam>
public interface IUpcastFrom<TPrevious, TSelf>
    where TSelf : IUpcastFrom<TPrevious, TSelf>
{
    /// <summary>Converts a message of the previous version. The envelope ids (message, correlation and causation id)
    /// are carried over by Catga; the conversion only maps the members.</summary>
    /// <param name="previous">The message as the previous version declares it.</param>
    /// <returns>The same message in this version.</returns>
    static abstract TSelf UpcastFrom(TPrevious previous);
}
