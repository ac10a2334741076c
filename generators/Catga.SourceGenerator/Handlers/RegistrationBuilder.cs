using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Validation;

namespace Catga.SourceGenerator.Handlers
{
    /// <summary>
    /// Combines every handler and behavior of the compilation into the module model: which services to register and,
    /// for each request, its behaviors in compile-time order. Also finds the diagnostics that need the whole picture.
    /// </summary>
    internal static class RegistrationBuilder
    {
        private const int Singleton = 0;

        public static RegistrationSpec Build(ImmutableArray<HandlerCandidate> candidates, AssemblySpec assembly, EquatableArray<GeneratedValidatorRef> generatedValidators)
        {
            var generated = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var reference in generatedValidators)
            {
                generated[reference.MessageType] = reference.Validator;
            }

            var validators = candidates.SelectMany(c => c.Validators).ToList();
            var services = new Dictionary<string, ServiceSpec>(StringComparer.Ordinal);
            foreach (var candidate in candidates)
            {
                if (candidate.Service is { } service)
                {
                    services[service.Type] = service;
                }
            }

            // This project's behaviors, and the public behaviors of the Catga libraries it references.
            var behaviors = candidates.SelectMany(c => c.Behaviors).Concat(assembly.SharedBehaviors).ToList();
            var pipelines = new List<PipelineSpec>();
            var streams = new List<StreamRegistrationSpec>();
            var events = new List<EventRegistrationSpec>();

            foreach (var group in SingleHandlerGroups(candidates.SelectMany(c => c.Handlers)))
            {
                // Duplicates are reported as CATGA002; the first handler by name keeps the generated code compiling.
                var handler = group.First();
                bool singleton = handler.Lifetime == Singleton;
                if (handler.Kind == HandlerKind.Stream)
                {
                    var streamSteps = Steps(behaviors, BehaviorKind.Stream, handler, services, ref singleton);
                    streams.Add(new StreamRegistrationSpec(handler.MessageType, handler.MessageDisplay, handler.ResponseType, handler.HandlerType, handler.HandlerDisplay, singleton, streamSteps));
                    continue;
                }

                pipelines.Add(Pipeline(handler, behaviors, services));
            }

            foreach (var handler in candidates.SelectMany(c => c.Handlers).Where(h => h.Kind == HandlerKind.Event))
            {
                // Event behaviors wrap each handler of the event, so each handler has its own chain.
                bool singleton = handler.Lifetime == Singleton;
                var steps = Steps(behaviors, BehaviorKind.Event, handler, services, ref singleton);
                events.Add(new EventRegistrationSpec(handler.MessageType, handler.MessageDisplay, handler.HandlerType, handler.HandlerDisplay, singleton, handler.Order, steps));
            }

            events.Sort(static (a, b) =>
            {
                int byMessage = string.CompareOrdinal(a.MessageType, b.MessageType);
                if (byMessage != 0)
                {
                    return byMessage;
                }

                int byOrder = a.Order.CompareTo(b.Order);
                return byOrder != 0 ? byOrder : string.CompareOrdinal(a.HandlerType, b.HandlerType);
            });

            // Generated rules first, then hand-written validators by name: the order they run in.
            var validatorRegistrations = generated
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ValidatorRegistrationSpec(g.Key, g.Value, IsGenerated: true, IsSingleton: true))
                .Concat(validators
                    .Where(v => v.IsMessage)
                    .OrderBy(v => v.MessageType, StringComparer.Ordinal)
                    .ThenBy(v => v.ValidatorType, StringComparer.Ordinal)
                    .Select(v => new ValidatorRegistrationSpec(v.MessageType, v.ValidatorType, IsGenerated: false, IsSingleton: v.Lifetime == Singleton)))
                .ToEquatableArray();

            var sharedBehaviors = candidates
                .SelectMany(c => c.Behaviors)
                .Where(b => b.SharedType is not null)
                .Select(b => b.SharedType!)
                .Distinct()
                .OrderBy(t => t, StringComparer.Ordinal)
                .ToEquatableArray();

            return new RegistrationSpec(
                assembly,
                services.Values.OrderBy(s => s.Type, StringComparer.Ordinal).ToEquatableArray(),
                pipelines.OrderBy(p => p.MessageType, StringComparer.Ordinal).ToEquatableArray(),
                events.ToEquatableArray(),
                streams.OrderBy(s => s.MessageType, StringComparer.Ordinal).ToEquatableArray(),
                validatorRegistrations)
            {
                SharedBehaviors = sharedBehaviors,
            };
        }

        /// <summary>
        /// What every pipeline file of the assembly depends on besides its own handler: the module name, the behaviors
        /// (this project's and the shared ones of referenced libraries) and which handlers lose to a duplicate. Adding a
        /// handler leaves it equal, so the other pipelines stay cached.
        /// </summary>
        public static PipelineContextSpec PipelineContext(ImmutableArray<HandlerCandidate> candidates, AssemblySpec assembly)
        {
            var losers = SingleHandlerGroups(candidates.SelectMany(c => c.Handlers))
                .SelectMany(group => group.Skip(1))
                .Select(h => h.HandlerType + "|" + h.MessageType)
                .ToEquatableArray();
            return new PipelineContextSpec(
                assembly.ModuleName,
                candidates.SelectMany(c => c.Behaviors).Where(b => b.Kind == BehaviorKind.Request).Concat(assembly.SharedBehaviors.Where(b => b.Kind == BehaviorKind.Request)).ToEquatableArray(),
                losers);
        }

        /// <summary>The pipeline file of <paramref name="handler"/>, or null when it has none (events, streams, and a
        /// handler that loses to a duplicate, CATGA002). Equal to the pipeline <see cref="Build"/> lists for it.</summary>
        public static PipelineFileSpec? PipelineFile(HandlerSpec handler, PipelineContextSpec context)
        {
            if (handler.Kind is HandlerKind.Event or HandlerKind.Stream || context.Losers.Contains(handler.HandlerType + "|" + handler.MessageType))
            {
                return null;
            }

            return new PipelineFileSpec(context.ModuleName, Pipeline(handler, context.Behaviors.ToList(), new Dictionary<string, ServiceSpec>(StringComparer.Ordinal)));
        }

        private static PipelineSpec Pipeline(HandlerSpec handler, List<BehaviorSpec> behaviors, Dictionary<string, ServiceSpec> services)
        {
            bool singleton = handler.Lifetime == Singleton;
            var steps = Steps(behaviors, BehaviorKind.Request, handler, services, ref singleton);
            return new PipelineSpec(
                handler.Kind,
                handler.MessageType,
                handler.MessageDisplay,
                handler.ResponseType,
                handler.HandlerType,
                handler.HandlerDisplay,
                singleton,
                steps);
        }

        /// <summary>The behaviors of <paramref name="kind"/> that apply to the message of <paramref name="handler"/>, outermost
        /// first (by order, ties by closed name); registers each closed behavior as a service and clears
        /// <paramref name="singleton"/> when one is not a singleton.</summary>
        private static EquatableArray<PipelineStepSpec> Steps(List<BehaviorSpec> behaviors, BehaviorKind kind, HandlerSpec handler, Dictionary<string, ServiceSpec> services, ref bool singleton)
        {
            var steps = new List<(BehaviorSpec Behavior, string Closed)>();
            foreach (var behavior in behaviors)
            {
                if (behavior.Kind == kind && Applies(behavior, handler))
                {
                    steps.Add((behavior, Close(behavior.TypeTemplate, handler)));
                }
            }

            steps.Sort(static (a, b) =>
            {
                int byOrder = a.Behavior.Order.CompareTo(b.Behavior.Order);
                return byOrder != 0 ? byOrder : string.CompareOrdinal(a.Closed, b.Closed);
            });

            foreach (var (behavior, closed) in steps)
            {
                singleton &= behavior.Lifetime == Singleton;
                if (!services.ContainsKey(closed))
                {
                    var parameters = behavior.Parameters.Select(p => p with { Type = Close(p.Type, handler) }).ToEquatableArray();
                    services[closed] = new ServiceSpec(closed, behavior.Lifetime, parameters);
                }
            }

            return steps.Select(s => new PipelineStepSpec(s.Closed, s.Behavior.Order)).ToEquatableArray();
        }

        /// <summary>CATGA001 (a command or query without a handler) and CATGA002 (more than one handler).</summary>
        public static EquatableArray<DiagnosticInfo> FindDiagnostics(ImmutableArray<HandlerCandidate> candidates, IEnumerable<MessageParseResult> messages)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var located = candidates.SelectMany(c => c.Handlers.Select(h => (Handler: h, c.Location)))
                .Where(p => p.Handler.Kind != HandlerKind.Event)
                .GroupBy(p => p.Handler.MessageType, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.OrderBy(p => p.Handler.HandlerType, StringComparer.Ordinal).ToList());
            foreach (var group in located)
            {
                var first = group[0].Handler;
                foreach (var (duplicate, location) in group.Skip(1))
                {
                    diagnostics.Add(new DiagnosticInfo(
                        CatgaDiagnosticDescriptors.DuplicateHandler,
                        location,
                        new[] { first.MessageDisplay, first.HandlerDisplay, duplicate.HandlerDisplay }.ToEquatableArray()));
                }
            }

            var allHandlers = candidates.SelectMany(c => c.Handlers).ToList();
            // A project without any handler is a contracts library: its messages are handled elsewhere by design.
            if (allHandlers.Count > 0)
            {
                var handled = new HashSet<string>(allHandlers.Select(h => h.MessageType), StringComparer.Ordinal);
                foreach (var message in messages)
                {
                    if (message.Kind != MessageKind.Event && message.Spec is not null && !handled.Contains(message.FullyQualifiedName))
                    {
                        diagnostics.Add(new DiagnosticInfo(
                            CatgaDiagnosticDescriptors.MissingHandler,
                            message.Location,
                            new[] { message.Spec.DisplayName }.ToEquatableArray()));
                    }
                }
            }

            return diagnostics.ToEquatableArray();
        }

        private static IEnumerable<IEnumerable<HandlerSpec>> SingleHandlerGroups(IEnumerable<HandlerSpec> handlers)
            => handlers
                .Where(h => h.Kind != HandlerKind.Event)
                .GroupBy(h => h.MessageType, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.OrderBy(h => h.HandlerType, StringComparer.Ordinal));

        private static bool Applies(BehaviorSpec behavior, HandlerSpec handler)
        {
            if (behavior.FixedRequest is not null && behavior.FixedRequest != handler.MessageType)
            {
                return false;
            }

            if (behavior.FixedResponse is not null && behavior.FixedResponse != handler.ResponseType)
            {
                return false;
            }

            foreach (var constraint in behavior.Constraints)
            {
                var shape = constraint.Role == 0 ? handler.MessageShape : handler.ResponseShape;
                if ((constraint.ReferenceType && !shape.IsReferenceType)
                    || (constraint.ValueType && !shape.IsValueType)
                    || (constraint.Constructor && !shape.HasPublicParameterlessConstructor))
                {
                    return false;
                }

                foreach (var type in constraint.Types)
                {
                    if (!shape.Supertypes.Contains(Close(type, handler)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static string Close(string template, HandlerSpec handler)
            => template.Replace("{0}", handler.MessageType).Replace("{1}", handler.ResponseType);
    }
}
