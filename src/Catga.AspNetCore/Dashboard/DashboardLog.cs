using Microsoft.Extensions.Logging;

namespace Catga.AspNetCore.Dashboard;

/// <summary>The audit log of destructive dashboard actions.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 3700, Level = LogLevel.Warning, Message = "Catga dashboard: {User} {Action} {Count} dead letter(s): {Ids}")]
    public static partial void Action(ILogger logger, string user, string action, int count, string ids);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Catga dashboard: {User} purged {Count} dead letter(s)")]
    public static partial void Purged(ILogger logger, string user, long count);
}
