namespace Catga.Nats;

/// <summary>The server answered with <c>-ERR</c>.</summary>
public sealed class NatsServerException : NatsException
{
    /// <summary>Creates an error carrying the server's text.</summary>
    /// <param name="serverMessage">The text after <c>-ERR</c>, without quotes.</param>
    /// <param name="isFatal">Whether the server closes the connection after this error.</param>
    public NatsServerException(string serverMessage, bool isFatal)
        : base($"nats-server error: {serverMessage}")
    {
        ServerMessage = serverMessage;
        IsFatal = isFatal;
    }

    /// <summary>The text after <c>-ERR</c>, without quotes.</summary>
    public string ServerMessage { get; }

    /// <summary>Whether the server closes the connection after this error.</summary>
    public bool IsFatal { get; }
}
