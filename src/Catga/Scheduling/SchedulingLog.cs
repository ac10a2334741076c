using Microsoft.Extensions.Logging;

namespace Catga.Scheduling;

/// <summary>The scheduler's log messages (event ids 330-339, next to its diagnostic ids).</summary>
internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 330, Level = LogLevel.Information, Message = "This node {Action} the scheduler lease (fencing token {Token}).")]
    internal static partial void Lease(ILogger logger, string action, long token);

    [LoggerMessage(EventId = 331, Level = LogLevel.Warning, Message = "The scheduler failed; it retries in {DelayMs} ms (claimed messages fire again, with the same message ids).")]
    internal static partial void Failed(ILogger logger, double delayMs, Exception exception);

    [LoggerMessage(EventId = 332, Level = LogLevel.Error, Message = "The scheduled message {ScheduleId} ({MessageType}) cannot be fired and is dropped: {Reason}")]
    internal static partial void Unfireable(ILogger logger, string scheduleId, string messageType, string reason);

    [LoggerMessage(EventId = 333, Level = LogLevel.Warning, Message = "The local handlers of the recurring message {MessageType} failed ({ErrorCode}): {ErrorMessage}")]
    internal static partial void LocalFailed(ILogger logger, string messageType, string errorCode, string errorMessage);
}
