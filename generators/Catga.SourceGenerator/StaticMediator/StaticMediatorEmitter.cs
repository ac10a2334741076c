using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.StaticMediator
{
    /// <summary>Writes the other part of every [CatgaMediator] class (one typed <c>SendAsync</c> per request handled in the
    /// project, the rest forwarded to <c>ICatgaMediator</c>) and the module hook that registers them.</summary>
    internal static class StaticMediatorEmitter
    {
        public const string HintName = "Catga.Mediators.g.cs";

        private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
        private const string Token = "global::System.Threading.CancellationToken";

        public static string Emit(MediatorsFileSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            foreach (var mediator in spec.Mediators)
            {
                EmitMediator(w, mediator, spec);
                w.WriteLine();
            }

            if (spec.HasOwnModule)
            {
                w.OpenBlock("namespace Catga.Generated");
                w.OpenBlock("partial class " + spec.Assembly.ModuleName);
                w.WriteLine("/// <summary>Registers the [CatgaMediator] classes of this project, transient like <c>ICatgaMediator</c>,");
                w.WriteLine("/// each over the caller's <c>ICatgaMediator</c>.</summary>");
                w.OpenBlock("static partial void RegisterMediators(global::Catga.CatgaBuilder builder)");
                foreach (var mediator in spec.Mediators)
                {
                    w.WriteLine("global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAdd(builder.Services,");
                    w.WriteLine($"    global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Transient<{mediator.FullName}>(");
                    w.WriteLine($"        static sp => new {mediator.FullName}(global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<global::Catga.ICatgaMediator>(sp))));");
                }

                w.CloseBlock();
                w.CloseBlock();
                w.CloseBlock();
            }

            return w.ToString();
        }

        private static void EmitMediator(SourceWriter w, MediatorSpec mediator, MediatorsFileSpec spec)
        {
            bool inNamespace = mediator.Namespace is not null;
            if (inNamespace)
            {
                w.OpenBlock("namespace " + mediator.Namespace);
            }

            w.WriteLine("/// <remarks>Catga statically bound mediator: one <c>SendAsync</c> overload per request handled in this project calls");
            w.WriteLine("/// the request's pipeline without a lookup; everything else goes to <see cref=\"global::Catga.ICatgaMediator\"/>.");
            w.WriteLine("/// Behaviors, validators, tracing, remote routing and results are the same as through <see cref=\"global::Catga.ICatgaMediator\"/>.</remarks>");
            w.OpenBlock($"partial class {mediator.Name} : global::Catga.ICatgaMediator");
            w.WriteLine("private readonly global::Catga.ICatgaMediator _mediator;");
            w.WriteLine();
            w.WriteLine("// Catga's own dispatcher, or null when the application replaced ICatgaMediator (every call then goes through it).");
            w.WriteLine("private readonly global::Catga.Runtime.CatgaDispatcher? _dispatcher;");
            w.WriteLine();
            w.WriteLine($"/// <summary>Creates the mediator over the <see cref=\"global::Catga.ICatgaMediator\"/> of the caller's scope.</summary>");
            w.WriteLine("/// <param name=\"mediator\">The mediator every call that has no typed overload here goes to.</param>");
            w.OpenBlock($"public {mediator.Name}(global::Catga.ICatgaMediator mediator)");
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(mediator);");
            w.WriteLine("_mediator = mediator;");
            w.WriteLine("_dispatcher = mediator as global::Catga.Runtime.CatgaDispatcher;");
            w.CloseBlock();

            foreach (var request in spec.Requests)
            {
                w.WriteLine();
                EmitSend(w, request, mediator.IsPublic && request.IsPublic ? "public" : "internal", spec.Assembly.ModuleName);
            }

            w.WriteLine();
            EmitForwarding(w);
            w.CloseBlock();
            if (inNamespace)
            {
                w.CloseBlock();
            }
        }

        private static void EmitSend(SourceWriter w, MediatorRequestSpec request, string accessibility, string module)
        {
            var p = request.Pipeline;
            bool unit = p.Kind == HandlerKind.Command;
            string resultType = unit ? "global::Catga.CatgaResult" : $"global::Catga.CatgaResult<{p.ResponseType}>";
            string Wrap(string expression) => unit ? $"global::Catga.Runtime.CommandResults.FromUnit({expression})" : expression;

            w.WriteLine($"/// <summary>Sends a <c>{Xml(p.MessageDisplay)}</c> straight to its pipeline in this project (handler <c>{Xml(p.HandlerDisplay)}</c>,");
            w.WriteLine(p.Steps.IsEmpty
                ? "/// no behaviors), with the same result as <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>"
                : $"/// {p.Steps.Count} behavior(s)), with the same result as <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>");
            w.WriteLine("/// <param name=\"request\">The request.</param>");
            w.WriteLine("/// <param name=\"cancellationToken\">Flows to every behavior and the handler.</param>");
            w.WriteLine(unit ? "/// <returns>Success, or the failure.</returns>" : "/// <returns>The value, or the failure.</returns>");
            w.OpenBlock($"{accessibility} {ValueTask}<{resultType}> SendAsync({p.MessageType} request, {Token} cancellationToken = default)");
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(request);");
            w.WriteLine("// No local pipeline: the request is routed to another service. A derived type has a pipeline of its own.");
            w.OpenBlock($"if (_dispatcher is {{ }} dispatcher && dispatcher.FindRequestPipeline(global::Catga.Runtime.MessageSlot<{p.MessageType}>.Index) is global::Catga.Runtime.RequestPipeline<{p.MessageType}, {p.ResponseType}> pipeline && request.GetType() == typeof({p.MessageType}))");
            if (p.Steps.IsEmpty)
            {
                w.WriteLine("// The handler alone (no validators registered), every component a singleton, nobody tracing: call the handler's");
                w.WriteLine("// step directly. It turns a handler exception into a failed result, so it never throws.");
                w.OpenBlock($"if (pipeline.DirectChain is global::Catga.Generated.{module}.{RegistrationEmitter.PipelineClassName(p)}.HandlerStep step && !cancellationToken.IsCancellationRequested)");
                w.WriteLine("var pending = step.InvokeAsync(request, cancellationToken);");
                w.WriteLine($"return {Wrap("pending.IsCompletedSuccessfully && pending.Result.IsSuccess ? pending : pipeline.Settle(pending)")};");
                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine($"return {Wrap("pipeline.InvokeAsync(request, dispatcher, cancellationToken)")};");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("return _mediator.SendAsync(request, cancellationToken);");
            w.CloseBlock();
        }

        private static void EmitForwarding(SourceWriter w)
        {
            w.WriteLine("/// <summary>Sends a command without a typed overload here through <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>");
            w.WriteLine("/// <param name=\"command\">The command.</param>");
            w.WriteLine("/// <param name=\"cancellationToken\">Flows to every behavior and the handler.</param>");
            w.WriteLine("/// <returns>Success, or the failure.</returns>");
            w.WriteLine($"public {ValueTask}<global::Catga.CatgaResult> SendAsync(global::Catga.ICommand command, {Token} cancellationToken = default)");
            w.WriteLine("    => _mediator.SendAsync(command, cancellationToken);");
            w.WriteLine();
            w.WriteLine("/// <summary>Sends a request without a typed overload here through <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>");
            w.WriteLine("/// <typeparam name=\"TResponse\">The type of the value.</typeparam>");
            w.WriteLine("/// <param name=\"request\">The request.</param>");
            w.WriteLine("/// <param name=\"cancellationToken\">Flows to every behavior and the handler.</param>");
            w.WriteLine("/// <returns>The value, or the failure.</returns>");
            w.WriteLine($"public {ValueTask}<global::Catga.CatgaResult<TResponse>> SendAsync<TResponse>(global::Catga.IRequest<TResponse> request, {Token} cancellationToken = default)");
            w.WriteLine("    => _mediator.SendAsync(request, cancellationToken);");
            w.WriteLine();
            w.WriteLine("/// <summary>Publishes an event through <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>");
            w.WriteLine("/// <param name=\"event\">The event.</param>");
            w.WriteLine("/// <param name=\"cancellationToken\">Flows to every handler.</param>");
            w.WriteLine("/// <returns>Success when every handler succeeded, or the failure.</returns>");
            w.WriteLine($"public {ValueTask}<global::Catga.CatgaResult> PublishAsync(global::Catga.IEvent @event, {Token} cancellationToken = default)");
            w.WriteLine("    => _mediator.PublishAsync(@event, cancellationToken);");
            w.WriteLine();
            w.WriteLine("/// <summary>Opens a stream through <see cref=\"global::Catga.ICatgaMediator\"/>.</summary>");
            w.WriteLine("/// <typeparam name=\"TItem\">The type of the items.</typeparam>");
            w.WriteLine("/// <param name=\"request\">The stream request.</param>");
            w.WriteLine("/// <param name=\"cancellationToken\">Cancels the stream.</param>");
            w.WriteLine("/// <returns>The items.</returns>");
            w.WriteLine($"public global::System.Collections.Generic.IAsyncEnumerable<global::Catga.CatgaResult<TItem>> CreateStream<TItem>(global::Catga.IStreamRequest<TItem> request, {Token} cancellationToken = default)");
            w.WriteLine("    => _mediator.CreateStream(request, cancellationToken);");
            w.WriteLine();
            w.WriteLine($"{ValueTask}<global::Catga.CatgaResult<TResponse>> global::Catga.ICatgaMediator.SendCoreAsync<TResponse>(global::Catga.IRequest<TResponse> request, {Token} cancellationToken)");
            w.WriteLine("    => _mediator.SendAsync(request, cancellationToken);");
            w.WriteLine();
            w.WriteLine($"global::System.Collections.Generic.IAsyncEnumerable<global::Catga.CatgaResult<TItem>> global::Catga.ICatgaMediator.CreateStreamCore<TItem>(global::Catga.IStreamRequest<TItem> request, {Token} cancellationToken)");
            w.WriteLine("    => _mediator.CreateStream(request, cancellationToken);");
        }

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
