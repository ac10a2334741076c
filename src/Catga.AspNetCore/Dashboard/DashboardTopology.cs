using Catga.Distributed;
using Catga.Runtime;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore.Dashboard;

/// <summary>
/// The service/message topology of this process as the generator found it at compile time: which handler handles
/// which message (the generated registrations), which messages are distributed, and which messages each handler sends,
/// publishes and schedules (the <see cref="HandlerTopology"/> entries the generator read from handler and saga code).
/// Messages sent from code outside handlers (an endpoint, a background service) are not in the picture.
/// </summary>
internal static class DashboardTopology
{
    public static TopologyModel Build(IServiceProvider services)
    {
        string service = services.GetService<DistributedMessagingOptions>()?.ServiceName is { Length: > 0 } name ? name : "this service";
        var registry = services.GetService<CatgaRegistry>();
        var types = services.GetService<MessageTypeRegistry>();
        var byClrName = new Dictionary<string, MessageTypeInfo>(StringComparer.Ordinal);
        if (types is not null)
        {
            foreach (var type in types.Types)
            {
                byClrName[type.Type.FullName ?? type.Name] = type;
            }
        }

        var edges = new List<TopologyEdgeModel>();
        var messages = new Dictionary<string, TopologyMessageModel>(StringComparer.Ordinal);
        if (registry is not null)
        {
            Add(registry.Requests, "handles");
            Add(registry.Events, "handles");
            Add(registry.Streams, "streams");
        }

        // What handlers send, publish and schedule, as the generator read it from their code.
        foreach (var entry in services.GetServices<HandlerTopology>())
        {
            AddCalls(entry.Handler, entry.Sends, "sends");
            AddCalls(entry.Handler, entry.Publishes, "publishes");
            AddCalls(entry.Handler, entry.Schedules, "schedules");
        }

        return new TopologyModel(service, edges, [.. messages.Values.OrderBy(static m => m.Name, StringComparer.Ordinal)]);

        void AddCalls(string handler, IReadOnlyList<string> messageTypes, string relation)
        {
            foreach (string messageType in messageTypes)
            {
                byClrName.TryGetValue(messageType, out var info);
                string messageName = info?.Name ?? messageType;
                messages.TryAdd(messageName, Message(messageName, info));
                edges.Add(new TopologyEdgeModel(service, ShortName(handler), relation, messageName));
            }
        }

        void Add(List<IRegistration> registrations, string relation)
        {
            foreach (var registration in registrations)
            {
                byClrName.TryGetValue(registration.MessageType, out var info);
                string messageName = info?.Name ?? registration.MessageType;
                messages[messageName] = Message(messageName, info);
                edges.Add(new TopologyEdgeModel(service, ShortName(registration.HandlerType), relation, messageName));
            }
        }
    }

    private static TopologyMessageModel Message(string name, MessageTypeInfo? info) =>
        new(name, info?.Kind.ToString() ?? "Message", info?.IsDistributed ?? false, info?.Type.FullName);

    private static string ShortName(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        return dot < 0 ? fullName : fullName[(dot + 1)..];
    }
}
