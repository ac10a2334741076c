using System.Linq;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Handlers
{
    /// <summary>Writes the module class, one file per request pipeline, and the <c>AddGeneratedHandlers()</c> extension.</summary>
    internal static class RegistrationEmitter
    {
        private const string Namespace = "Catga.Generated";
        private const string GetRequired = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService";
        private const string GetOptional = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetService";
        private const string Lifetime = "global::Microsoft.Extensions.DependencyInjection.ServiceLifetime";

        public static string ModuleHintName(RegistrationSpec spec) => "Catga.Module." + spec.Assembly.ModuleName + ".g.cs";

        public static string PipelineHintName(PipelineSpec pipeline) => "Catga.Pipelines." + pipeline.MessageDisplay + ".g.cs";

        public const string ExtensionHintName = "Catga.AddGeneratedHandlers.g.cs";

        public static string EmitModule(RegistrationSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            string module = "global::" + Namespace + "." + spec.Assembly.ModuleName;
            w.WriteLine($"[assembly: global::Catga.Runtime.CatgaModule(typeof({module}))]");
            if (!spec.SharedBehaviors.IsEmpty)
            {
                w.WriteLine("// Public behaviors: projects that reference this assembly apply them to their own requests too.");
                foreach (var behavior in spec.SharedBehaviors)
                {
                    w.WriteLine($"[assembly: global::Catga.Runtime.CatgaSharedBehavior(typeof({behavior}))]");
                }
            }

            w.WriteLine();
            w.OpenBlock("namespace " + Namespace);
            w.WriteLine($"/// <summary>The Catga handlers, behaviors and pipelines of assembly {spec.Assembly.AssemblyName}, found at compile time.</summary>");
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.OpenBlock("public static partial class " + spec.Assembly.ModuleName);
            w.WriteLine("/// <summary>Registers this assembly's handlers and pipelines, and those of the Catga assemblies it references.</summary>");
            w.WriteLine("/// <param name=\"builder\">The Catga builder.</param>");
            w.OpenBlock("public static void Register(global::Catga.CatgaBuilder builder)");
            w.WriteLine($"if (!builder.Registry.TryAddModule({TypeNames.Literal(spec.Assembly.AssemblyName)}))");
            w.OpenBlock();
            w.WriteLine("return;");
            w.CloseBlock();

            if (!spec.Assembly.ReferencedModules.IsEmpty)
            {
                w.WriteLine();
                w.WriteLine("// Referenced assemblies' modules first, so their registrations precede this assembly's.");
                foreach (var referenced in spec.Assembly.ReferencedModules)
                {
                    w.WriteLine(referenced + ".Register(builder);");
                }
            }

            w.WriteLine();
            w.WriteLine("// Handlers and behaviors (each behavior closed over every request it applies to), created by");
            w.WriteLine("// constructor calls rather than reflection. TryAdd keeps a registration the application made first.");
            w.WriteLine("var services = builder.Services;");
            foreach (var service in spec.Services)
            {
                string lifetime = service.Lifetime switch { 1 => "Scoped", 2 => "Transient", _ => "Singleton" };
                if (service.Parameters.IsEmpty)
                {
                    w.WriteLine($"{lifetime}(services, static sp => new {service.Type}());");
                    continue;
                }

                w.WriteLine($"{lifetime}(services, static sp => new {service.Type}(");
                for (int i = 0; i < service.Parameters.Count; i++)
                {
                    w.WriteLine("    " + Resolve(service.Parameters[i]) + (i == service.Parameters.Count - 1 ? "));" : ","));
                }
            }

            if (!spec.Pipelines.IsEmpty)
            {
                w.WriteLine();
                w.WriteLine("// Commands and queries: one pipeline each, composed in the order shown in its class.");
                foreach (var pipeline in spec.Pipelines)
                {
                    w.WriteLine($"builder.Registry.AddRequest(new {PipelineClassName(pipeline)}());");
                }
            }

            if (!spec.Events.IsEmpty)
            {
                w.WriteLine();
                w.WriteLine("// Event handlers, in the order they run for each event; each inside the event behaviors that apply to it.");
                foreach (var e in spec.Events)
                {
                    string chain = Chain(e.Steps, e.MessageDisplay, "EventStep", $"new {InvokerClassName(e)}(Required<{e.HandlerType}>(sp))");
                    w.WriteLine($"builder.Registry.AddEventHandler(new global::Catga.Runtime.EventHandlerDefinition<{e.MessageType}>(");
                    w.WriteLine($"    {TypeNames.Literal(e.MessageDisplay)}, {TypeNames.Literal(e.HandlerDisplay)}, isSingleton: {Bool(e.IsSingleton)}, order: {e.Order}, static sp => {chain}));");
                }
            }

            if (!spec.Validators.IsEmpty)
            {
                w.WriteLine();
                w.WriteLine("// Validators, by message: they run before the handlers of the message in whichever project handles it.");
                foreach (var v in spec.Validators)
                {
                    string resolve = v.IsGenerated
                        ? $"static _ => global::Catga.Generated.Validation.{v.ValidatorType}.Instance"
                        : $"static sp => Required<{v.ValidatorType}>(sp)";
                    string message = v.MessageType.Replace("global::", string.Empty);
                    string name = v.IsGenerated ? "generated rules of " + message : v.ValidatorType.Replace("global::", string.Empty);
                    w.WriteLine($"builder.Registry.AddValidator(new global::Catga.Runtime.ValidatorDefinition<{v.MessageType}>(");
                    w.WriteLine($"    {TypeNames.Literal(message)}, {TypeNames.Literal(name)}, isSingleton: {Bool(v.IsSingleton)}, {resolve}));");
                }
            }

            if (!spec.Streams.IsEmpty)
            {
                w.WriteLine();
                w.WriteLine("// Stream requests: the stream behaviors that apply, outermost first, then the handler.");
                foreach (var s in spec.Streams)
                {
                    string chain = Chain(s.Steps, s.MessageDisplay, "StreamStep", $"new {StreamHandlerClassName(s)}(Required<{s.HandlerType}>(sp))");
                    w.WriteLine($"builder.Registry.AddStream(new global::Catga.Runtime.StreamHandlerDefinition<{s.MessageType}, {s.ItemType}>(");
                    w.WriteLine($"    {TypeNames.Literal(s.MessageDisplay)}, {TypeNames.Literal(s.HandlerDisplay)}, isSingleton: {Bool(s.IsSingleton)}, static sp => {chain}));");
                }
            }

            if (spec.HasSagas)
            {
                w.WriteLine();
                w.WriteLine("// Sagas (implemented in Catga.Sagas.Registration.g.cs).");
                w.WriteLine("RegisterSagas(builder);");
            }

            w.WriteLine();
            w.WriteLine("// What the handlers send, publish and schedule (Catga.Topology.g.cs, when any does).");
            w.WriteLine("RegisterTopology(builder);");
            w.WriteLine("// Statically bound mediators declared with [CatgaMediator] (Catga.Mediators.g.cs, when any is).");
            w.WriteLine("RegisterMediators(builder);");
            w.CloseBlock();
            w.WriteLine();
            if (spec.HasSagas)
            {
                w.WriteLine("static partial void RegisterSagas(global::Catga.CatgaBuilder builder);");
                w.WriteLine();
            }

            w.WriteLine("static partial void RegisterTopology(global::Catga.CatgaBuilder builder);");
            w.WriteLine();
            w.WriteLine("static partial void RegisterMediators(global::Catga.CatgaBuilder builder);");
            w.WriteLine();

            foreach (var e in spec.Events)
            {
                // Like a pipeline's handler step: the handler is called from code that names the event type.
                string invoker = InvokerClassName(e);
                w.WriteLine($"/// <summary>Calls <c>{e.HandlerDisplay}</c> for <c>{e.MessageDisplay}</c>.</summary>");
                w.OpenBlock($"private sealed class {invoker} : global::Catga.Runtime.EventHandlerInvoker<{e.MessageType}>");
                w.WriteLine($"private readonly {e.HandlerType} _handler;");
                w.WriteLine();
                w.WriteLine($"public {invoker}({e.HandlerType} handler) => _handler = handler;");
                w.WriteLine();
                w.WriteLine($"public override global::System.Threading.Tasks.ValueTask InvokeAsync({e.MessageType} @event, global::System.Threading.CancellationToken cancellationToken)");
                w.WriteLine($"    => ((global::Catga.IEventHandler<{e.MessageType}>)_handler).HandleAsync(@event, cancellationToken);");
                w.CloseBlock();
                w.WriteLine();
            }

            // One class per event behavior closed over an event: the call to the behavior is made from code that names
            // the event type. The same class serves every handler of the event that the behavior wraps.
            var written = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal);
            foreach (var e in spec.Events)
            {
                foreach (var step in e.Steps)
                {
                    string name = StepClassName(step, e.MessageDisplay, "EventStep");
                    if (!written.Add(name))
                    {
                        continue;
                    }

                    string next = $"global::Catga.EventNext<{e.MessageType}>";
                    w.WriteLine($"/// <summary>Runs <c>{Xml(step.BehaviorType)}</c> around one handler of <c>{e.MessageDisplay}</c>.</summary>");
                    w.OpenBlock($"private sealed class {name} : global::Catga.Runtime.EventHandlerInvoker<{e.MessageType}>");
                    w.WriteLine($"private readonly {step.BehaviorType} _behavior;");
                    w.WriteLine($"private readonly {next} _next;");
                    w.WriteLine();
                    w.OpenBlock($"public {name}({step.BehaviorType} behavior, {next} next)");
                    w.WriteLine("_behavior = behavior;");
                    w.WriteLine("_next = next;");
                    w.CloseBlock();
                    w.WriteLine();
                    w.WriteLine($"public override global::System.Threading.Tasks.ValueTask InvokeAsync({e.MessageType} @event, global::System.Threading.CancellationToken cancellationToken)");
                    w.WriteLine($"    => ((global::Catga.IEventBehavior<{e.MessageType}>)_behavior).HandleAsync(@event, _next, cancellationToken);");
                    w.CloseBlock();
                    w.WriteLine();
                }
            }

            foreach (var s in spec.Streams)
            {
                string next = $"global::Catga.StreamNext<{s.MessageType}, {s.ItemType}>";
                string items = $"global::System.Collections.Generic.IAsyncEnumerable<{s.ItemType}>";
                foreach (var step in s.Steps)
                {
                    string name = StepClassName(step, s.MessageDisplay, "StreamStep");
                    w.WriteLine($"/// <summary>Runs <c>{Xml(step.BehaviorType)}</c> around the rest of the stream pipeline of <c>{s.MessageDisplay}</c>.</summary>");
                    w.OpenBlock($"private sealed class {name} : {next}");
                    w.WriteLine($"private readonly {step.BehaviorType} _behavior;");
                    w.WriteLine($"private readonly {next} _next;");
                    w.WriteLine();
                    w.OpenBlock($"public {name}({step.BehaviorType} behavior, {next} next)");
                    w.WriteLine("_behavior = behavior;");
                    w.WriteLine("_next = next;");
                    w.CloseBlock();
                    w.WriteLine();
                    w.WriteLine($"public override {items} InvokeAsync({s.MessageType} request, global::System.Threading.CancellationToken cancellationToken)");
                    w.WriteLine($"    => ((global::Catga.IStreamBehavior<{s.MessageType}, {s.ItemType}>)_behavior).HandleAsync(request, _next, cancellationToken);");
                    w.CloseBlock();
                    w.WriteLine();
                }

                string handler = StreamHandlerClassName(s);
                w.WriteLine($"/// <summary>The innermost step of the stream pipeline of <c>{s.MessageDisplay}</c>: calls <c>{s.HandlerDisplay}</c>.</summary>");
                w.OpenBlock($"private sealed class {handler} : {next}");
                w.WriteLine($"private readonly {s.HandlerType} _handler;");
                w.WriteLine();
                w.WriteLine($"public {handler}({s.HandlerType} handler) => _handler = handler;");
                w.WriteLine();
                w.WriteLine($"public override {items} InvokeAsync({s.MessageType} request, global::System.Threading.CancellationToken cancellationToken)");
                w.WriteLine($"    => ((global::Catga.IStreamHandler<{s.MessageType}, {s.ItemType}>)_handler).HandleAsync(request, cancellationToken);");
                w.CloseBlock();
                w.WriteLine();
            }

            foreach (var lifetime in new[] { "Singleton", "Scoped", "Transient" })
            {
                w.WriteLine($"private static void {lifetime}<T>(global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::System.Func<global::System.IServiceProvider, T> create)");
                w.WriteLine("    where T : class");
                w.WriteLine($"    => global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAdd(services, new global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor(typeof(T), create, {Lifetime}.{lifetime}));");
                w.WriteLine();
            }

            w.WriteLine("private static T Required<T>(global::System.IServiceProvider services)");
            w.WriteLine("    where T : notnull");
            w.WriteLine($"    => {GetRequired}<T>(services);");
            w.WriteLine();
            w.WriteLine("private static T? Optional<T>(global::System.IServiceProvider services)");
            w.WriteLine($"    => {GetOptional}<T>(services);");
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        public static string EmitPipeline(PipelineFileSpec file)
        {
            var pipeline = file.Pipeline;
            var w = new SourceWriter();
            w.WriteFileHeader();
            w.OpenBlock("namespace " + Namespace);
            w.OpenBlock("partial class " + file.ModuleName);
            string request = pipeline.MessageType;
            string response = pipeline.ResponseType;
            string next = $"global::Catga.PipelineNext<{request}, {response}>";

            w.WriteLine("/// <summary>");
            w.WriteLine($"/// The pipeline of <c>{pipeline.MessageDisplay}</c>, composed at compile time. Outermost first:");
            w.WriteLine("/// <list type=\"number\">");
            foreach (var step in pipeline.Steps)
            {
                w.WriteLine($"/// <item><description><c>{Xml(step.BehaviorType)}</c> (order {step.Order})</description></item>");
            }

            w.WriteLine("/// <item><description>validation, when any project registered validators for the request (the rules generated");
            w.WriteLine("/// from its attributes where it is declared, hand-written validators); an invalid request fails with Catga.Validation</description></item>");

            w.WriteLine($"/// <item><description>the handler <c>{pipeline.HandlerDisplay}</c></description></item>");
            w.WriteLine("/// </list>");
            w.WriteLine(pipeline.IsSingleton
                ? "/// Every component is a singleton, so the chain is built once and reused by every call."
                : "/// A component is scoped or transient, so the chain is built per call in the caller's scope.");
            if (pipeline.IsSingleton)
            {
                w.WriteLine("/// (A scoped or transient validator makes the runtime build it per call instead.)");
            }

            w.WriteLine("/// </summary>");
            w.OpenBlock($"internal sealed class {PipelineClassName(pipeline)} : global::Catga.Runtime.RequestPipelineDefinition<{request}, {response}>");
            w.WriteLine($"public {PipelineClassName(pipeline)}()");
            w.WriteLine($"    : base({TypeNames.Literal(pipeline.MessageDisplay)}, {TypeNames.Literal(pipeline.HandlerDisplay)}, isSingleton: {Bool(pipeline.IsSingleton)})");
            w.OpenBlock();
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.OpenBlock($"public override {next} Compose(global::System.IServiceProvider services, global::Catga.Runtime.MessageValidators<{request}>? validators)");
            w.WriteLine("// Built from the inside out: the handler first, then each behavior around it.");
            w.WriteLine($"{next} next = new HandlerStep(Required<{pipeline.HandlerType}>(services));");
            w.OpenBlock("if (validators is not null)");
            w.WriteLine($"next = new global::Catga.Validation.ValidationStage<{request}, {response}>({TypeNames.Literal(pipeline.MessageDisplay)}, validators.Resolve(services), next);");
            w.CloseBlock();
            w.WriteLine();

            for (int i = pipeline.Steps.Count - 1; i >= 0; i--)
            {
                w.WriteLine($"next = new BehaviorStep{i + 1}(Required<{pipeline.Steps[i].BehaviorType}>(services), next);");
            }

            w.WriteLine("return next;");
            w.CloseBlock();
            w.WriteLine();

            // One small class per behavior: the call to the behavior is made from code that names the request type, so
            // it is a plain interface call rather than one resolved through shared generic code on every request.
            string behaviorInterface = $"global::Catga.IPipelineBehavior<{request}, {response}>";
            for (int i = 0; i < pipeline.Steps.Count; i++)
            {
                string behavior = pipeline.Steps[i].BehaviorType;
                w.WriteLine($"/// <summary>Step {i + 1}: runs <c>{Xml(behavior)}</c> around the rest of the pipeline.</summary>");
                w.OpenBlock($"private sealed class BehaviorStep{i + 1} : {next}");
                w.WriteLine($"private readonly {behavior} _behavior;");
                w.WriteLine($"private readonly {next} _next;");
                w.WriteLine();
                w.OpenBlock($"public BehaviorStep{i + 1}({behavior} behavior, {next} next)");
                w.WriteLine("_behavior = behavior;");
                w.WriteLine("_next = next;");
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine($"public override global::System.Threading.Tasks.ValueTask<global::Catga.CatgaResult<{response}>> InvokeAsync({request} request, global::System.Threading.CancellationToken cancellationToken)");
                w.WriteLine($"    => (({behaviorInterface})_behavior).HandleAsync(request, _next, cancellationToken);");
                w.CloseBlock();
                w.WriteLine();
            }

            string handlerInterface = pipeline.Kind switch
            {
                HandlerKind.Command => $"global::Catga.ICommandHandler<{request}>",
                HandlerKind.Query => $"global::Catga.IQueryHandler<{request}, {response}>",
                _ => $"global::Catga.ICommandHandler<{request}, {response}>",
            };
            w.WriteLine("/// <summary>The innermost step: calls the handler directly.</summary>");
            // Internal: a statically bound mediator ([CatgaMediator]) calls it directly when the pipeline is the handler alone.
            w.OpenBlock($"internal sealed class HandlerStep : {next}");
            w.WriteLine($"private readonly {pipeline.HandlerType} _handler;");
            w.WriteLine();
            w.WriteLine($"public HandlerStep({pipeline.HandlerType} handler) => _handler = handler;");
            w.WriteLine();
            w.OpenBlock($"public override global::System.Threading.Tasks.ValueTask<global::Catga.CatgaResult<{response}>> InvokeAsync({request} request, global::System.Threading.CancellationToken cancellationToken)");
            w.WriteLine($"global::System.Threading.Tasks.ValueTask<global::Catga.CatgaResult<{response}>> pending;");
            w.OpenBlock("try");
            w.WriteLine(pipeline.Kind == HandlerKind.Command
                ? $"pending = global::Catga.Runtime.CommandResults.ToUnit((({handlerInterface})_handler).HandleAsync(request, cancellationToken));"
                : $"pending = (({handlerInterface})_handler).HandleAsync(request, cancellationToken);");
            w.CloseBlock();
            w.OpenBlock("catch (global::System.Exception exception)");
            w.WriteLine("// A handler exception becomes a failed result here, so every behavior sees it as a result.");
            w.WriteLine($"return global::Catga.Runtime.HandlerResults.Failed<{response}>(exception);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("return global::Catga.Runtime.HandlerResults.Guard(pending);");
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        public static string EmitExtension(ExtensionSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            // Each project's entry point lives in a namespace of its own that only this project imports (a global using
            // is per compilation). With InternalsVisibleTo between two Catga projects, the friend's internal
            // AddGeneratedHandlers is then not in scope here, so the call binds to this project's and is not ambiguous.
            string ns = ExtensionNamespace(spec.AssemblyName);
            w.WriteLine($"global using global::{ns};");
            w.WriteLine();
            w.OpenBlock("namespace " + ns);
            w.WriteLine("/// <summary>The registration entry point generated for this project.</summary>");
            w.OpenBlock("internal static partial class CatgaGeneratedHandlersExtensions");
            w.WriteLine("/// <summary>");
            w.WriteLine("/// Registers every handler, behavior and pipeline the Catga source generator found in this project and in the");
            w.WriteLine("/// Catga projects it references, and the message types this project can send or receive with the binary serializer");
            w.WriteLine("/// (unless UseJsonSerializer or UseBinarySerializer chooses otherwise). No assembly scanning happens at run time.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <param name=\"builder\">The builder returned by <c>AddCatga()</c>.</param>");
            w.WriteLine("/// <returns>The same builder.</returns>");
            w.OpenBlock("public static global::Catga.CatgaBuilder AddGeneratedHandlers(this global::Catga.CatgaBuilder builder)");
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(builder);");
            if (spec.HasOwnModule)
            {
                w.WriteLine($"global::{Namespace}.{spec.ModuleName}.Register(builder);");
            }
            else
            {
                foreach (var referenced in spec.ReferencedModules)
                {
                    w.WriteLine(referenced + ".Register(builder);");
                }
            }

            w.WriteLine("RegisterMessageTypes(builder);");
            w.WriteLine("return builder;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <summary>Registers the message-type registry; implemented in Catga.MessageTypes.g.cs when the project has one.</summary>");
            w.WriteLine("static partial void RegisterMessageTypes(global::Catga.CatgaBuilder builder);");
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        /// <summary>The namespace of the <c>AddGeneratedHandlers()</c> of assembly <paramref name="assemblyName"/>.</summary>
        public static string ExtensionNamespace(string assemblyName) => Namespace + ".Registration." + TypeNames.Identifier(assemblyName);

        internal static string PipelineClassName(PipelineSpec pipeline) => TypeNames.Identifier(pipeline.MessageDisplay) + "Pipeline";

        /// <summary>The expression that builds a chain: each step's class around the next, the innermost last.</summary>
        private static string Chain(EquatableArray<PipelineStepSpec> steps, string messageDisplay, string suffix, string innermost)
        {
            string chain = innermost;
            for (int i = steps.Count - 1; i >= 0; i--)
            {
                chain = $"new {StepClassName(steps[i], messageDisplay, suffix)}(Required<{steps[i].BehaviorType}>(sp), {chain})";
            }

            return chain;
        }

        private static string StepClassName(PipelineStepSpec step, string messageDisplay, string suffix)
            => TypeNames.Identifier(step.BehaviorType.Replace("global::", string.Empty)) + "_" + TypeNames.Identifier(messageDisplay) + "_" + suffix;

        private static string StreamHandlerClassName(StreamRegistrationSpec registration)
            => TypeNames.Identifier(registration.HandlerDisplay) + "_" + TypeNames.Identifier(registration.MessageDisplay) + "StreamHandler";

        private static string InvokerClassName(EventRegistrationSpec registration)
            => TypeNames.Identifier(registration.HandlerDisplay) + "_" + TypeNames.Identifier(registration.MessageDisplay) + "Invoker";

        private static string Resolve(ParameterSpec parameter) => parameter.DefaultValue is null
            ? $"Required<{parameter.Type}>(sp)"
            : parameter.IsValueType
                ? parameter.DefaultValue
                : parameter.DefaultValue == "default"
                    ? $"Optional<{parameter.Type}>(sp)"
                    : $"Optional<{parameter.Type}>(sp) ?? {parameter.DefaultValue}";

        private static string Bool(bool value) => value ? "true" : "false";

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
