namespace Catga.Diagnostics;

/// <summary>Tag names from the OpenTelemetry messaging semantic conventions.</summary>
internal static class MessagingTags
{
    internal const string System = "messaging.system";
    internal const string SystemValue = "catga";
    internal const string OperationName = "messaging.operation.name";
    internal const string OperationType = "messaging.operation.type";
    internal const string DestinationName = "messaging.destination.name";
    internal const string MessageId = "messaging.message.id";
    internal const string ConversationId = "messaging.message.conversation_id";
    internal const string BatchMessageCount = "messaging.batch.message_count";
    internal const string ErrorType = "error.type";
}
