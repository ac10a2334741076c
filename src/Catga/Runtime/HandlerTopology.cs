using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// What one handler (or saga) of the application sends, publishes and schedules, found by the generator in its code
/// at compile time: calls of <see cref="Distributed.ICatgaBus"/>, <see cref="ICatgaMediator"/> and saga steps whose
/// message type is known statically. The generated module registers one per handler that makes such calls; the
/// dashboard draws them as the service's "sends" and "publishes" edges. Message and handler names are full CLR names.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HandlerTopology
{
    /// <summary>Creates the entry (called by generated code).</summary>
    /// <param name="handler">The handler or saga type's full name.</param>
    /// <param name="handles">The message types it handles.</param>
    /// <param name="sends">The commands and queries it sends.</param>
    /// <param name="publishes">The events it publishes.</param>
    /// <param name="schedules">The messages it schedules for later.</param>
    public HandlerTopology(string handler, string[] handles, string[] sends, string[] publishes, string[] schedules)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Handler = handler;
        Handles = handles ?? [];
        Sends = sends ?? [];
        Publishes = publishes ?? [];
        Schedules = schedules ?? [];
    }

    /// <summary>The handler or saga type's full name.</summary>
    public string Handler { get; }

    /// <summary>The message types it handles.</summary>
    public IReadOnlyList<string> Handles { get; }

    /// <summary>The commands and queries it sends.</summary>
    public IReadOnlyList<string> Sends { get; }

    /// <summary>The events it publishes.</summary>
    public IReadOnlyList<string> Publishes { get; }

    /// <summary>The messages it schedules for later.</summary>
    public IReadOnlyList<string> Schedules { get; }
}
