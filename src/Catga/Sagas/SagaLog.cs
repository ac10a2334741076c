using Microsoft.Extensions.Logging;

namespace Catga.Sagas;

/// <summary>The saga runtime's log messages.</summary>
internal static partial class SagaLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Debug, Message = "Saga {Saga} '{Key}': {MessageType} moved it from {From} to {To}")]
    public static partial void Transitioned(ILogger logger, string saga, string key, string messageType, string from, string to);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Saga {Saga} '{Key}': {MessageType} ignored ({Reason})")]
    public static partial void Ignored(ILogger logger, string saga, string key, string messageType, string reason);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Saga {Saga} '{Key}': {Kind} {MessageType} failed and stays pending: {Error}")]
    public static partial void EffectFailed(ILogger logger, string saga, string key, string kind, string messageType, string error);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Saga {Saga} '{Key}': removing the carried-out effects of message {Cause} failed; they stay listed, and only a redelivery of that message (which the inbox drops) would carry them out again")]
    public static partial void ClearFailed(ILogger logger, string saga, string key, string cause, Exception exception);
}
