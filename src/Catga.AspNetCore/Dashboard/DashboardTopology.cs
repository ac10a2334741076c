using Catga.Distributed;
using Catga.Runtime;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore.Dashboard;

/// <summary>
/// The service/message topology of this process as the generator wired it at compile time: which handler handles
/// which message (the generated registrations), which messages are distributed, and which distributed messages have
/// no handler here (this service sends or publishes them to others).
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
        var handled = new HashSet<string>(StringComparer.Ordinal);
        if (registry is not null)
        {
            Add(registry.Requests, "handles");
            Add(registry.Events, "handles");
            Add(registry.Streams, "streams");
        }

        foreach (var type in byClrName.Values)
        {
            if (type.IsDistributed && !handled.Contains(type.Name))
            {
                messages[type.Name] = Message(type.Name, type);
                edges.Add(new TopologyEdgeModel(service, "other services", type.Kind == MessageKind.Event ? "publishes" : "sends", type.Name));
            }
        }

        return new TopologyModel(service, edges, [.. messages.Values.OrderBy(static m => m.Name, StringComparer.Ordinal)]);

        void Add(List<IRegistration> registrations, string relation)
        {
            foreach (var registration in registrations)
            {
                byClrName.TryGetValue(registration.MessageType, out var info);
                string messageName = info?.Name ?? registration.MessageType;
                handled.Add(messageName);
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
