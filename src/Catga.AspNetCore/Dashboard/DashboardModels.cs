using System.Text.Json.Serialization;

namespace Catga.AspNetCore.Dashboard;

internal sealed record OverviewModel(
    string? Service,
    string? Transport,
    bool MessagingRunning,
    long DeadLetters,
    long? OutboxBacklog,
    bool? RelayLeader,
    CountersModel Counters,
    IReadOnlyList<HealthEntryModel> Health);

internal sealed record CountersModel(long Handled, long Failed, long Retried, long DeadLettered, long Duplicates, long Relayed, DateTimeOffset Since, IReadOnlyList<DestinationCountersModel> Destinations);

internal sealed record DestinationCountersModel(string Destination, long Handled, long Failed, long Retried, long DeadLettered, long Duplicates, long Relayed);

internal sealed record HealthEntryModel(string Name, string Status, string? Description, IReadOnlyList<string> Tags);

internal sealed record ConsumerModel(string Destination, string Group, string Kind, int InFlight, long? Lag, bool CircuitOpen);

internal sealed record DeadLetterSummaryModel(string Id, string Destination, string? MessageType, string? MessageId, string Reason, string? ErrorMessage, int Attempts, DateTimeOffset FailedAt);

internal sealed record DeadLetterPageModel(long Total, int Matched, IReadOnlyList<DeadLetterSummaryModel> Items);

internal sealed record DeadLetterDetailModel(
    DeadLetterSummaryModel Letter,
    string Group,
    IReadOnlyList<HeaderModel> Headers,
    int BodyLength,
    string? BodyText,
    string? BodyBase64,
    string? Decoded,
    string? DecodeError,
    string? ExceptionType,
    string? ExceptionDetails);

internal sealed record HeaderModel(string Name, string Value);

internal sealed record DeadLetterActionRequest(IReadOnlyList<string>? Ids, bool All, string? Type, string? Reason, bool Confirm);

internal sealed record ActionResultModel(string Action, int Affected, IReadOnlyList<string> Missing);

internal sealed record TopologyModel(string? Service, IReadOnlyList<TopologyEdgeModel> Edges, IReadOnlyList<TopologyMessageModel> Messages);

internal sealed record TopologyMessageModel(string Name, string Kind, bool Distributed, string? Type);

internal sealed record TopologyEdgeModel(string From, string To, string Relation, string Message);

internal sealed record SagaModel(string Saga, string Key, string Status, string State, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int PendingEffects, int Timeouts, IReadOnlyList<SagaHistoryModel> History);

internal sealed record SagaTypesModel(IReadOnlyList<string> Sagas);

internal sealed record SagaSummaryModel(string Key, string Status, string State, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int PendingEffects, int Timeouts);

internal sealed record SagaPageModel(string Saga, IReadOnlyList<SagaSummaryModel> Items, string? NextCursor);

internal sealed record SagaHistoryModel(DateTimeOffset At, string MessageType, string MessageId, string From, string To, string? Note);

internal sealed record ErrorModel(string Error);

internal sealed record ScheduleModel(string Id, DateTimeOffset DueAt, string Destination, string? MessageType, string? MessageId, string? Recurrence);

internal sealed record SchedulePageModel(long Total, IReadOnlyList<ScheduleModel> Items);

/// <summary>Source-generated JSON for the dashboard API (Native AOT: no reflection-based serialization).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OverviewModel))]
[JsonSerializable(typeof(IReadOnlyList<ConsumerModel>))]
[JsonSerializable(typeof(DeadLetterPageModel))]
[JsonSerializable(typeof(DeadLetterDetailModel))]
[JsonSerializable(typeof(DeadLetterActionRequest))]
[JsonSerializable(typeof(ActionResultModel))]
[JsonSerializable(typeof(TopologyModel))]
[JsonSerializable(typeof(SagaModel))]
[JsonSerializable(typeof(SagaTypesModel))]
[JsonSerializable(typeof(SagaPageModel))]
[JsonSerializable(typeof(ErrorModel))]
[JsonSerializable(typeof(SchedulePageModel))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext
{
}
