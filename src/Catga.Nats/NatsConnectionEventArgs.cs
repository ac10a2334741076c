namespace Catga.Nats;

/// <summary>Describes a change of a connection's link: which server, and the error that caused it if any.</summary>
public sealed class NatsConnectionEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="server">The server the event is about, or null.</param>
    /// <param name="error">The error that caused the event, or null.</param>
    public NatsConnectionEventArgs(Uri? server, Exception? error)
    {
        Server = server;
        Error = error;
    }

    /// <summary>The server the event is about, or null.</summary>
    public Uri? Server { get; }

    /// <summary>The error that caused the event, or null.</summary>
    public Exception? Error { get; }
}
