using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Outbox;
using Catga.Runtime;
using Catga.Sagas;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Catga.AspNetCore.Dashboard;

/// <summary>The dashboard's JSON endpoints. Each is a plain <see cref="RequestDelegate"/> that reads Catga's services
/// from the request's provider (each optional: a view whose service is not registered says so) and writes
/// source-generated JSON.</summary>
internal sealed class DashboardApi(CatgaDashboardOptions options, DashboardCounters counters, ILogger logger)
{
    /// <summary>Header every mutating request must carry: a cross-site form cannot set it (CSRF).</summary>
    public const string ActionHeader = "X-Catga-Dashboard";

    private const int MaxBodyShown = 64 * 1024;

    public async Task OverviewAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var ct = context.RequestAborted;
        var distributed = services.GetService<DistributedMessagingOptions>();
        var host = services.GetService<CatgaMessagingHost>();
        var transport = services.GetService<IMessageTransport>();
        var deadLetters = services.GetService<IDeadLetterStore>();
        var outbox = distributed is { UseOutbox: true } ? services.GetService<IOutboxStore>() : null;
        long letters = deadLetters is null ? 0 : await deadLetters.CountAsync(ct).ConfigureAwait(false);
        long? backlog = outbox is null ? null : await outbox.CountPendingAsync(ct).ConfigureAwait(false);
        var health = new List<HealthEntryModel>();
        if (services.GetService<HealthCheckService>() is { } checks)
        {
            var report = await checks.CheckHealthAsync(static c => c.Tags.Contains(Catga.Health.CatgaHealthTags.Catga), ct).ConfigureAwait(false);
            foreach (var (name, entry) in report.Entries)
            {
                health.Add(new HealthEntryModel(name, entry.Status.ToString(), entry.Description, [.. entry.Tags]));
            }
        }

        await WriteAsync(context, new OverviewModel(
            distributed?.ServiceName,
            transport?.Name,
            host?.IsRunning ?? false,
            letters,
            backlog,
            host?.Relay?.IsLeader,
            counters.Snapshot(),
            health), DashboardJsonContext.Default.OverviewModel).ConfigureAwait(false);
    }

    public Task ConsumersAsync(HttpContext context)
    {
        var host = context.RequestServices.GetService<CatgaMessagingHost>();
        var list = new List<ConsumerModel>();
        if (host is not null)
        {
            foreach (var (consumer, running) in host.Consumers)
            {
                list.Add(new ConsumerModel(
                    consumer.Destination,
                    consumer.Subscription.Group,
                    consumer.Subscription.Mode.ToString(),
                    running.InFlight,
                    consumer.LastLag,
                    consumer.IsCircuitOpen));
            }
        }

        return WriteAsync(context, (IReadOnlyList<ConsumerModel>)list, DashboardJsonContext.Default.IReadOnlyListConsumerModel);
    }

    public async Task DeadLettersAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IDeadLetterStore>() is not { } store)
        {
            await NotAvailableAsync(context, "No dead-letter store is registered (distributed messaging is not enabled).").ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        string? type = NullIfEmpty(query["type"]);
        string? reason = NullIfEmpty(query["reason"]);
        int skip = int.TryParse(query["skip"], out int s) && s >= 0 ? s : 0;
        int take = int.TryParse(query["take"], out int t) && t is > 0 and <= 500 ? t : 50;
        var ct = context.RequestAborted;
        long total = await store.CountAsync(ct).ConfigureAwait(false);
        var matched = await FindAsync(store, type, reason, ct).ConfigureAwait(false);
        var page = matched.Skip(skip).Take(take).Select(Summary).ToList();
        await WriteAsync(context, new DeadLetterPageModel(total, matched.Count, page), DashboardJsonContext.Default.DeadLetterPageModel).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["id"]!;
        var services = context.RequestServices;
        if (services.GetService<IDeadLetterStore>() is not { } store
            || await store.GetAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } letter)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteAsync(context, new ErrorModel($"No dead letter {id}."), DashboardJsonContext.Default.ErrorModel).ConfigureAwait(false);
            return;
        }

        var body = letter.Message.Body;
        string? text = null;
        string? base64 = null;
        var shown = body.Length > MaxBodyShown ? body[..MaxBodyShown] : body;
        if (IsText(shown.Span))
        {
            text = Encoding.UTF8.GetString(shown.Span);
        }
        else
        {
            base64 = Convert.ToBase64String(shown.Span);
        }

        string? decoded = null;
        string? decodeError = null;
        if (letter.Message.MessageType is { } typeName
            && services.GetService<MessageTypeRegistry>() is { } registry
            && services.GetService<IMessageSerializer>() is { } serializer)
        {
            if (registry.TryGetByName(typeName, out var info))
            {
                try
                {
                    decoded = serializer.Deserialize(info, new ReadOnlySequence<byte>(body))?.ToString();
                }
                catch (Exception ex)
                {
                    decodeError = ex.Message;
                }
            }
            else
            {
                decodeError = $"{typeName} is not in this service's message registry.";
            }
        }

        var headers = new List<HeaderModel>();
        foreach (var (name, value) in letter.Message.Headers)
        {
            headers.Add(new HeaderModel(name, value));
        }

        await WriteAsync(context, new DeadLetterDetailModel(
            Summary(letter), letter.Group, headers, body.Length, text, base64, decoded, decodeError, letter.ExceptionType, letter.ExceptionDetails),
            DashboardJsonContext.Default.DeadLetterDetailModel).ConfigureAwait(false);
    }

    public Task ReplayAsync(HttpContext context) =>
        ForEachLetterAsync(context, "replay", "replayed", static (manager, id, ct) => manager.ReplayAsync(id, ct));

    public Task DeleteAsync(HttpContext context) =>
        ForEachLetterAsync(context, "delete", "deleted", static (manager, id, ct) => manager.DeleteAsync(id, ct));

    /// <summary>Replay and delete: a confirmed request names letters (by id or by filter), the action runs on each,
    /// the user and the ids acted on are logged, and the answer lists the ids that were not found.</summary>
    private async Task ForEachLetterAsync(HttpContext context, string action, string pastTense, Func<DeadLetterManager, string, CancellationToken, ValueTask<bool>> act)
    {
        if (await ReadActionAsync(context).ConfigureAwait(false) is not { } request
            || await ManagerAsync(context).ConfigureAwait(false) is not { } manager)
        {
            return;
        }

        var ct = context.RequestAborted;
        var ids = await IdsAsync(context, request, ct).ConfigureAwait(false);
        var missing = new List<string>();
        int done = 0;
        foreach (string id in ids)
        {
            if (await act(manager, id, ct).ConfigureAwait(false))
            {
                done++;
            }
            else
            {
                missing.Add(id);
            }
        }

        DashboardLog.Action(logger, UserOf(context), pastTense, done, string.Join(", ", ids.Except(missing, StringComparer.Ordinal)));
        await WriteAsync(context, new ActionResultModel(action, done, missing), DashboardJsonContext.Default.ActionResultModel).ConfigureAwait(false);
    }

    public async Task PurgeAsync(HttpContext context)
    {
        if (await ReadActionAsync(context).ConfigureAwait(false) is null
            || await ManagerAsync(context).ConfigureAwait(false) is not { } manager)
        {
            return;
        }

        long purged = await manager.PurgeAsync(context.RequestAborted).ConfigureAwait(false);
        DashboardLog.Purged(logger, UserOf(context), purged);
        await WriteAsync(context, new ActionResultModel("purge", (int)Math.Min(purged, int.MaxValue), []), DashboardJsonContext.Default.ActionResultModel).ConfigureAwait(false);
    }

    public Task TopologyAsync(HttpContext context) =>
        WriteAsync(context, DashboardTopology.Build(context.RequestServices), DashboardJsonContext.Default.TopologyModel);

    /// <summary>The sagas this service registered (by name), for the saga view's choice.</summary>
    public async Task SagaTypesAsync(HttpContext context)
    {
        var services = context.RequestServices;
        if (services.GetService<ISagaStore>() is null)
        {
            await NotAvailableAsync(context, "No saga store is registered (no sagas in this service).").ConfigureAwait(false);
            return;
        }

        var names = services.GetServices<RegisteredSaga>().Select(static s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        await WriteAsync(context, new SagaTypesModel(names), DashboardJsonContext.Default.SagaTypesModel).ConfigureAwait(false);
    }

    /// <summary>One page of a saga's instances: <c>status</c>, <c>state</c>, <c>order</c> (<c>newest</c> or
    /// <c>key</c>), <c>cursor</c> and <c>limit</c> from the query string, as <see cref="ISagaStore.ListAsync"/> takes them.</summary>
    public async Task SagaListAsync(HttpContext context)
    {
        string saga = (string)context.Request.RouteValues["saga"]!;
        if (context.RequestServices.GetService<ISagaStore>() is not { } store)
        {
            await NotAvailableAsync(context, "No saga store is registered (no sagas in this service).").ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        SagaStatus? status = null;
        if (NullIfEmpty(query["status"]) is { } statusText)
        {
            if (!Enum.TryParse<SagaStatus>(statusText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                await BadRequestAsync(context, $"status '{statusText}' is not one of {string.Join(", ", Enum.GetNames<SagaStatus>())}.").ConfigureAwait(false);
                return;
            }

            status = parsed;
        }

        SagaListOrder order;
        switch (NullIfEmpty(query["order"]))
        {
            case null or "newest":
                order = SagaListOrder.NewestFirst;
                break;
            case "key":
                order = SagaListOrder.ByKey;
                break;
            case { } other:
                await BadRequestAsync(context, $"order '{other}' is not 'newest' or 'key'.").ConfigureAwait(false);
                return;
        }

        int limit = 50;
        if (NullIfEmpty(query["limit"]) is { } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > SagaListQuery.MaxLimit))
        {
            await BadRequestAsync(context, $"limit '{limitText}' is not a number from 1 to {SagaListQuery.MaxLimit}.").ConfigureAwait(false);
            return;
        }

        SagaPage page;
        try
        {
            page = await store.ListAsync(
                new SagaListQuery { Saga = saga, Status = status, StateName = NullIfEmpty(query["state"]), Order = order, Cursor = NullIfEmpty(query["cursor"]), Limit = limit },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            await BadRequestAsync(context, ex.Message).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, new SagaPageModel(
            saga,
            [.. page.Instances.Select(static r => new SagaSummaryModel(r.Key, r.Status.ToString(), r.StateName, r.Revision, r.CreatedAt, r.UpdatedAt, r.Pending.Count, r.Timeouts.Count))],
            page.NextCursor),
            DashboardJsonContext.Default.SagaPageModel).ConfigureAwait(false);
    }

    public async Task SagaAsync(HttpContext context)
    {
        string saga = (string)context.Request.RouteValues["saga"]!;
        string key = (string)context.Request.RouteValues["key"]!;
        if (context.RequestServices.GetService<ISagaStore>() is not { } store)
        {
            await NotAvailableAsync(context, "No saga store is registered (no sagas in this service).").ConfigureAwait(false);
            return;
        }

        if ((await store.LoadAsync(saga, key, default, context.RequestAborted).ConfigureAwait(false)).Record is not { } record)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteAsync(context, new ErrorModel($"No instance {key} of saga {saga}."), DashboardJsonContext.Default.ErrorModel).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, new SagaModel(
            record.Saga,
            record.Key,
            record.Status.ToString(),
            record.StateName,
            record.Revision,
            record.CreatedAt,
            record.UpdatedAt,
            record.Pending.Count,
            record.Timeouts.Count,
            [.. (await store.ReadHistoryAsync(saga, key, context.RequestAborted).ConfigureAwait(false)).Select(static h => new SagaHistoryModel(h.At, h.MessageType, h.MessageId.ToString(), h.From, h.To, h.Note))]),
            DashboardJsonContext.Default.SagaModel).ConfigureAwait(false);
    }

    public async Task SchedulesAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IScheduleStore>() is not { } store)
        {
            await NotAvailableAsync(context, "No schedule store is registered (scheduling is not enabled).").ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        int skip = int.TryParse(query["skip"], out int s) && s >= 0 ? s : 0;
        int take = int.TryParse(query["take"], out int t) && t is > 0 and <= 500 ? t : 100;
        var ct = context.RequestAborted;
        long total = await store.CountPendingAsync(ct).ConfigureAwait(false);
        var items = await store.ListPendingAsync(skip, take, ct).ConfigureAwait(false);
        await WriteAsync(context, new SchedulePageModel(
            total,
            [.. items.Select(static m => new ScheduleModel(m.Id, m.DueAt, m.Destination, m.MessageType, m.Message.MessageId, m.Recurrence))]),
            DashboardJsonContext.Default.SchedulePageModel).ConfigureAwait(false);
    }

    public async Task CancelSchedulesAsync(HttpContext context)
    {
        if (await ReadActionAsync(context).ConfigureAwait(false) is not { } request)
        {
            return;
        }

        if (context.RequestServices.GetService<IScheduleStore>() is not { } store)
        {
            await NotAvailableAsync(context, "No schedule store is registered (scheduling is not enabled).").ConfigureAwait(false);
            return;
        }

        var ids = request.Ids ?? [];
        var missing = new List<string>();
        int cancelled = 0;
        foreach (string id in ids)
        {
            if (await store.CancelAsync(id, context.RequestAborted).ConfigureAwait(false))
            {
                cancelled++;
            }
            else
            {
                missing.Add(id);
            }
        }

        DashboardLog.Action(logger, UserOf(context), "cancelled the schedules of", cancelled, string.Join(", ", ids.Except(missing, StringComparer.Ordinal)));
        await WriteAsync(context, new ActionResultModel("cancel", cancelled, missing), DashboardJsonContext.Default.ActionResultModel).ConfigureAwait(false);
    }

    private static async Task<List<DeadLetter>> FindAsync(IDeadLetterStore store, string? type, string? reason, CancellationToken ct, int max = 10_000)
    {
        var matched = new List<DeadLetter>();
        const int Page = 500;
        for (int skip = 0; skip < max; skip += Page)
        {
            var batch = await store.ListAsync(skip, Page, ct).ConfigureAwait(false);
            foreach (var letter in batch)
            {
                if (Matches(letter, type, reason))
                {
                    matched.Add(letter);
                }
            }

            if (batch.Count < Page)
            {
                break;
            }
        }

        return matched;
    }

    private static bool Matches(DeadLetter letter, string? type, string? reason) =>
        (type is null
            || letter.Destination.Contains(type, StringComparison.OrdinalIgnoreCase)
            || (letter.Message.MessageType?.Contains(type, StringComparison.OrdinalIgnoreCase) ?? false))
        && (reason is null
            || letter.Reason.Contains(reason, StringComparison.OrdinalIgnoreCase)
            || (letter.ErrorMessage?.Contains(reason, StringComparison.OrdinalIgnoreCase) ?? false));

    private static DeadLetterSummaryModel Summary(DeadLetter letter) => new(
        letter.Id, letter.Destination, letter.Message.MessageType, letter.Message.MessageId, letter.Reason, letter.ErrorMessage, letter.Attempts, letter.FailedAt);

    private async Task<IReadOnlyList<string>> IdsAsync(HttpContext context, DeadLetterActionRequest request, CancellationToken ct)
    {
        if (!request.All)
        {
            return request.Ids ?? [];
        }

        var store = context.RequestServices.GetRequiredService<IDeadLetterStore>();
        var matched = await FindAsync(store, NullIfEmpty(request.Type), NullIfEmpty(request.Reason), ct, options.MaxDeadLettersScanned).ConfigureAwait(false);
        return [.. matched.Select(static l => l.Id)];
    }

    /// <summary>Reads an action request; answers 400 unless it carries the action header and <c>confirm: true</c>.</summary>
    private static async Task<DeadLetterActionRequest?> ReadActionAsync(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey(ActionHeader))
        {
            await BadRequestAsync(context, $"Dashboard actions need the {ActionHeader} header.").ConfigureAwait(false);
            return null;
        }

        DeadLetterActionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, DashboardJsonContext.Default.DeadLetterActionRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await BadRequestAsync(context, "The action request is not valid JSON: " + ex.Message).ConfigureAwait(false);
            return null;
        }

        if (request is not { Confirm: true })
        {
            await BadRequestAsync(context, "Destructive actions must be confirmed: send \"confirm\": true.").ConfigureAwait(false);
            return null;
        }

        if (!request.All && (request.Ids is null || request.Ids.Count == 0) && !context.Request.Path.Value!.EndsWith("/purge", StringComparison.Ordinal))
        {
            await BadRequestAsync(context, "Name the dead letters: \"ids\": [...], or \"all\": true with an optional type and reason filter.").ConfigureAwait(false);
            return null;
        }

        return request;
    }

    private static async Task<DeadLetterManager?> ManagerAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<DeadLetterManager>() is { } manager)
        {
            return manager;
        }

        await NotAvailableAsync(context, "Dead letters cannot be managed: distributed messaging is not enabled.").ConfigureAwait(false);
        return null;
    }

    private static string UserOf(HttpContext context) => context.User.Identity?.Name ?? "an anonymous user";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsText(ReadOnlySpan<byte> data)
    {
        if (!System.Text.Unicode.Utf8.IsValid(data))
        {
            return false;
        }

        foreach (byte b in data)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
            {
                return false;
            }
        }

        return true;
    }

    private static Task BadRequestAsync(HttpContext context, string error)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return WriteAsync(context, new ErrorModel(error), DashboardJsonContext.Default.ErrorModel);
    }

    private static Task NotAvailableAsync(HttpContext context, string error)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return WriteAsync(context, new ErrorModel(error), DashboardJsonContext.Default.ErrorModel);
    }

    private static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }
}
