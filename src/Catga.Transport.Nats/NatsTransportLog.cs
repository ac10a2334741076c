using Microsoft.Extensions.Logging;

namespace Catga.Transport.Nats;

/// <summary>The transport's log messages (source-generated).</summary>
internal static partial class NatsTransportLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Fetching from JetStream consumer {Consumer} of {Destination} failed; retrying in {DelayMs} ms.")]
    public static partial void FetchFailed(ILogger logger, Exception exception, string consumer, string destination, double delayMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Creating JetStream consumer {Consumer} of {Destination} failed; retrying in {DelayMs} ms.")]
    public static partial void EnsureConsumerFailed(ILogger logger, Exception exception, string consumer, string destination, double delayMs);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Settling a message of {Destination} as {Outcome} failed; the server redelivers it after the ack timeout.")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string destination, string outcome);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "JetStream send to {Destination} failed ({Error}); retrying.")]
    public static partial void SendRetry(ILogger logger, string destination, string error);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Stopping the consumer of {Destination} could not confirm its acks with the server.")]
    public static partial void StopFlushFailed(ILogger logger, Exception exception, string destination);
}
