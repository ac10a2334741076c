using System.ComponentModel;

namespace Catga.Serialization;

/// <summary>
/// A message type with a stable wire name and a generated binary formatter. The source generator implements it on
/// every Catga message whose members can all be serialized; applications do not implement it by hand.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
public interface ISerializableMessage<TSelf>
    where TSelf : ISerializableMessage<TSelf>
{
    /// <summary>The stable name of the message type on the wire (see <see cref="CatgaMessageNameAttribute"/>).</summary>
    static abstract string MessageTypeName { get; }

    /// <summary>Writes <paramref name="message"/> in Catga's binary format. Called by <see cref="CatgaBinarySerializer"/>.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="message">The message.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static abstract void WriteBinary(ref CatgaBinaryWriter writer, TSelf message);

    /// <summary>Reads a message in Catga's binary format. Called by <see cref="CatgaBinarySerializer"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The message.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static abstract TSelf ReadBinary(ref CatgaBinaryReader reader);

    /// <summary>For an older version of a message (see <see cref="Versioning.IUpcastFrom{TPrevious, TSelf}"/>): the
    /// current version its payloads are converted to when received; otherwise <see langword="null"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual Type? CurrentVersionType => null;

    /// <summary>Converts an older version to the current one along the generated chain of versions; returns the
    /// message itself when it is the current version.</summary>
    /// <param name="message">The message as received.</param>
    /// <returns>The message in its current version.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual object ToCurrentVersion(TSelf message) => message!;

    /// <summary>The protection the type requires on the wire (<see cref="Security.CatgaProtectedAttribute"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual Security.MessageProtection Protection => Security.MessageProtection.None;
}
