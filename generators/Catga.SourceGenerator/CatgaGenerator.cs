using System.Collections.Generic;
using System.Linq;
using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Registry;
using Catga.SourceGenerator.Sagas;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Validation;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator
{
    /// <summary>
    /// The Catga source generator. Messages: every type marked [CatgaCommand], [CatgaQuery], [CatgaEvent] or
    /// [CatgaStreamRequest] gets its metadata members and typed dispatch. Handlers: every handler and behavior class is
    /// registered by a generated module, each request gets a pipeline composed at compile time, and
    /// <c>AddGeneratedHandlers()</c> registers this project's module and those of referenced projects.
    /// Serialization: every message, and every type reachable from it, gets a binary formatter; each message gets its
    /// wire name, and the assembly gets a message-type registry that maps names to types and formatters.
    /// Diagnostics travel in their own outputs, so source is only regenerated when the models change.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class CatgaGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Messages: one step per attributed type (found through the compiler's attribute index) binds it once and
            // yields its members, wire format and validation rules together. Per-message outputs hang directly off that
            // step, so an edit elsewhere leaves them cached; the collected list feeds what needs every message.
            var byKind = new[]
            {
                ForMessages(context, KnownTypes.CommandAttribute, MessageKind.Command),
                ForMessages(context, KnownTypes.QueryAttribute, MessageKind.Query),
                ForMessages(context, KnownTypes.EventAttribute, MessageKind.Event),
                ForMessages(context, KnownTypes.StreamRequestAttribute, MessageKind.StreamRequest),
            };
            foreach (var parsedOfKind in byKind)
            {
                var specs = parsedOfKind
                    .Where(static m => m.Message.Spec is not null)
                    .Select(static (m, _) => m.Message.Spec!)
                    .WithTrackingName(TrackingNames.MessageSources);
                context.RegisterSourceOutput(specs, static (output, spec) => output.AddSource(MessageEmitter.HintName(spec), MessageEmitter.Emit(spec)));

                var serializable = parsedOfKind
                    .Where(static m => m.Serialization.Message is not null)
                    .Select(static (m, _) => m.Serialization.Message!)
                    .WithTrackingName(TrackingNames.SerializableMessages);
                context.RegisterSourceOutput(serializable, static (output, spec) => output.AddSource(FormatterEmitter.MessageHintName(spec), FormatterEmitter.EmitMessage(spec)));
            }

            var parsed = byKind[0].Collect()
                .Combine(byKind[1].Collect())
                .Combine(byKind[2].Collect())
                .Combine(byKind[3].Collect())
                .Select(static (all, _) => all.Left.Left.Left.AddRange(all.Left.Left.Right).AddRange(all.Left.Right).AddRange(all.Right).ToEquatableArray())
                .WithTrackingName(TrackingNames.Messages);
            var messages = parsed.Select(static (all, _) => all.Select(m => m.Message).ToEquatableArray());
            Report(context, messages.SelectMany(static (all, _) => all.SelectMany(m => m.Diagnostics)));

            // Handlers: classes carrying [CatgaHandler] or [PipelineBehavior] come through the attribute index; the
            // others through a name-based syntax filter on their own base list. Each class is parsed by exactly one route.
            var candidates = new[]
            {
                context.SyntaxProvider
                    .CreateSyntaxProvider(HandlerParser.IsInterfaceCandidate, HandlerParser.Parse)
                    .Where(static c => c is not null)
                    .Select(static (c, _) => c!)
                    .WithTrackingName(TrackingNames.HandlerCandidates),
                context.SyntaxProvider
                    .ForAttributeWithMetadataName(KnownTypes.HandlerAttribute, HandlerParser.IsClassDeclaration, static (ctx, ct) => HandlerParser.ParseAttributed(ctx, isHandlerAttribute: true, ct))
                    .Where(static c => c is not null)
                    .Select(static (c, _) => c!)
                    .WithTrackingName(TrackingNames.HandlerCandidates),
                context.SyntaxProvider
                    .ForAttributeWithMetadataName(KnownTypes.BehaviorAttribute, HandlerParser.IsClassDeclaration, static (ctx, ct) => HandlerParser.ParseAttributed(ctx, isHandlerAttribute: false, ct))
                    .Where(static c => c is not null)
                    .Select(static (c, _) => c!)
                    .WithTrackingName(TrackingNames.HandlerCandidates),
            };
            foreach (var routed in candidates)
            {
                Report(context, routed.SelectMany(static (c, _) => c.Diagnostics));
            }

            var located = candidates[0].Collect()
                .Combine(candidates[1].Collect())
                .Combine(candidates[2].Collect())
                .Select(static (all, _) => all.Left.Left.AddRange(all.Left.Right).AddRange(all.Right));

            // What registration and pipelines are built from: the candidates without positions, so a line added above a
            // handler moves its diagnostics but regenerates nothing.
            var models = candidates
                .Select(routed => routed.Select(static (c, _) => c.WithoutPosition).WithTrackingName(TrackingNames.HandlerModels))
                .ToArray();
            var allModels = models[0].Collect()
                .Combine(models[1].Collect())
                .Combine(models[2].Collect())
                .Select(static (all, _) => all.Left.Left.AddRange(all.Left.Right).AddRange(all.Right));

            var assembly = context.CompilationProvider
                .Select(static (compilation, _) => AssemblyInfo(compilation))
                .WithTrackingName(TrackingNames.AssemblyInfo);

            var generatedValidators = InitializeValidation(context, parsed);
            var sagas = SagaGeneration.Initialize(context, assembly);
            var registration = allModels
                .Combine(assembly)
                .Combine(generatedValidators)
                .Combine(sagas.Select(static (all, _) => !all.IsEmpty))
                .Select(static (pair, _) => RegistrationBuilder.Build(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right) with { HasSagas = pair.Right })
                .WithTrackingName(TrackingNames.Registration);
            context.RegisterSourceOutput(registration, static (output, spec) =>
            {
                if (spec.HasOwnModule)
                {
                    output.AddSource(RegistrationEmitter.ModuleHintName(spec), RegistrationEmitter.EmitModule(spec));
                }
            });

            StaticMediator.StaticMediatorGeneration.Initialize(context, registration);

            var extension = registration
                .Select(static (spec, _) => new ExtensionSpec(spec.Assembly.AssemblyName, spec.Assembly.ModuleName, spec.Assembly.ReferencedModules, spec.HasOwnModule))
                .WithTrackingName(TrackingNames.Extension);
            context.RegisterSourceOutput(extension, static (output, spec) => output.AddSource(RegistrationEmitter.ExtensionHintName, RegistrationEmitter.EmitExtension(spec)));

            // One pipeline file per request handler, built from the handler and what all pipelines share (behaviors,
            // duplicates, module name): adding or editing a handler regenerates its own pipeline only.
            var pipelineContext = allModels
                .Combine(assembly)
                .Select(static (pair, _) => RegistrationBuilder.PipelineContext(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.PipelineContext);
            foreach (var routed in models)
            {
                var pipelines = routed
                    .SelectMany(static (c, _) => c.Handlers)
                    .Combine(pipelineContext)
                    .Select(static (pair, _) => RegistrationBuilder.PipelineFile(pair.Left, pair.Right))
                    .Where(static p => p is not null)
                    .Select(static (p, _) => p!)
                    .WithTrackingName(TrackingNames.Pipelines);
                context.RegisterSourceOutput(pipelines, static (output, file) => output.AddSource(RegistrationEmitter.PipelineHintName(file.Pipeline), RegistrationEmitter.EmitPipeline(file)));
            }

            var handlerDiagnostics = located
                .Combine(messages)
                .Combine(SagaGeneration.HandledCommands(sagas))
                .SelectMany(static (pair, _) => SagaGeneration.WithoutSagaHandled(RegistrationBuilder.FindDiagnostics(pair.Left.Left, pair.Left.Right), pair.Right));
            Report(context, handlerDiagnostics);

            InitializeSerialization(context, parsed, sagas.Select(static (all, _) => all.SelectMany(s => s.StateObjects).ToEquatableArray()));
            InitializeScheduling(context, allModels);
        }

        /// <summary>Checks [Recurring] (CATGA330, CATGA331, CATGA333) and warns when nothing consumes a recurring message
        /// (CATGA332). The schedule itself reaches the message-type registry through the serialization models.</summary>
        private static void InitializeScheduling(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<HandlerCandidate>> candidates)
        {
            var recurring = context.SyntaxProvider.ForAttributeWithMetadataName(
                    KnownTypes.RecurringAttribute,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    static (ctx, ct) => Scheduling.RecurringParser.Parse(ctx, ct))
                .Collect()
                .Select(static (all, _) => all.Sort((a, b) => System.StringComparer.Ordinal.Compare(a.MessageType, b.MessageType)).ToEquatableArray())
                .WithTrackingName(Scheduling.RecurringParser.TrackingName);
            Report(context, recurring.SelectMany(static (all, _) => all.SelectMany(spec => spec.Diagnostics)));

            var unconsumed = recurring
                .Combine(candidates)
                .SelectMany(static (pair, _) =>
                {
                    var handled = new HashSet<string>(pair.Right.SelectMany(c => c.Handlers).Select(h => h.MessageType), System.StringComparer.Ordinal);
                    return pair.Left
                        .Where(r => r.IsValid && !r.IsDistributed && !handled.Contains(r.MessageType))
                        .Select(r => new DiagnosticInfo(CatgaDiagnosticDescriptors.RecurringNotConsumed, r.Location, new[] { r.DisplayName }.ToEquatableArray()))
                        .ToList();
                });
            Report(context, unconsumed);
        }

        private static void InitializeSerialization(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<EquatableArray<ParsedMessage>> messages, IncrementalValueProvider<EquatableArray<ObjectSpec>> extraObjects)
        {
            var parsed = messages
                .Select(static (all, _) => all.Select(m => m.Serialization).ToEquatableArray())
                .WithTrackingName(TrackingNames.SerializationMessages);
            Report(context, parsed.SelectMany(static (all, _) => all.SelectMany(r => r.Diagnostics)));
            Report(context, parsed.SelectMany(static (all, _) => RegistryEmitter.FindDuplicates(all.Where(r => r.Name is not null).Select(r => r.Name!))));

            // A type reachable from several messages gets one formatter: the specs are equal whichever message reached it.
            var formatters = parsed
                .Combine(extraObjects)
                .SelectMany(static (pair, _) => pair.Left.SelectMany(r => r.Objects).Concat(pair.Right).GroupBy(o => o.FullyQualifiedName).Select(g => g.First()).OrderBy(o => o.FullyQualifiedName, System.StringComparer.Ordinal))
                .WithTrackingName(TrackingNames.Formatters);
            context.RegisterSourceOutput(formatters, static (output, spec) => output.AddSource(FormatterEmitter.HintName(spec), FormatterEmitter.EmitFormatter(spec)));

            var referenced = context.CompilationProvider
                .Select(static (compilation, _) => (Assembly: compilation.AssemblyName ?? "Assembly", Lists: ReferencedMessageTypeLists(compilation)))
                .WithTrackingName(TrackingNames.ReferencedMessageTypes);
            var registry = parsed
                .Select(static (all, _) => all.Where(r => r.Message is not null).Select(r => r.Message!).ToEquatableArray())
                .Combine(referenced)
                .Select(static (pair, _) => RegistryEmitter.Build(pair.Left, pair.Right.Assembly, pair.Right.Lists))
                .WithTrackingName(TrackingNames.MessageTypeRegistry);
            context.RegisterSourceOutput(registry, static (output, spec) =>
            {
                if (!spec.Entries.IsEmpty || !spec.ReferencedLists.IsEmpty)
                {
                    output.AddSource(RegistryEmitter.HintName, RegistryEmitter.Emit(spec));
                }
            });
        }

        /// <summary>Validators from the validation attributes of every message and the types reachable from it; returns
        /// which messages have one, for the pipelines.</summary>
        private static IncrementalValueProvider<EquatableArray<GeneratedValidatorRef>> InitializeValidation(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<EquatableArray<ParsedMessage>> messages)
        {
            var parsed = messages
                .Select(static (all, _) => all.Select(m => m.Validation).ToEquatableArray())
                .WithTrackingName(TrackingNames.ValidationMessages);
            Report(context, parsed.SelectMany(static (all, _) => all.SelectMany(r => r.Diagnostics).Distinct()));

            var validators = parsed
                .SelectMany(static (all, _) => all.SelectMany(r => r.Types).GroupBy(t => t.FullyQualifiedName).Select(g => g.First()).OrderBy(t => t.FullyQualifiedName, System.StringComparer.Ordinal))
                .WithTrackingName(TrackingNames.Validators);
            context.RegisterSourceOutput(validators, static (output, spec) => output.AddSource(ValidationEmitter.HintName(spec), ValidationEmitter.Emit(spec)));

            return parsed
                .Select(static (all, _) => all
                    .Where(r => r.MessageValidator is not null)
                    .Select(r => new GeneratedValidatorRef(r.MessageType, r.MessageValidator!))
                    .OrderBy(r => r.MessageType, System.StringComparer.Ordinal)
                    .ToEquatableArray())
                .WithTrackingName(TrackingNames.MessageValidators);
        }

        /// <summary>The message-type lists of referenced assemblies, named by their CatgaMessageTypes attribute.</summary>
        private static EquatableArray<string> ReferencedMessageTypeLists(Compilation compilation)
        {
            var lists = new List<string>();
            foreach (var referenced in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                foreach (var attribute in referenced.GetAttributes())
                {
                    if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.MessageTypesAttribute)
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is INamedTypeSymbol list)
                    {
                        lists.Add(TypeNames.FullyQualified(list));
                    }
                }
            }

            lists.Sort(System.StringComparer.Ordinal);
            return lists.ToEquatableArray();
        }

        /// <summary>Reports diagnostics in their own output. Only this cheap step sees the compilation (to place each
        /// diagnostic in its syntax tree); the models and the source outputs stay cached.</summary>
        private static void Report(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<DiagnosticInfo> diagnostics)
            => context.RegisterSourceOutput(
                diagnostics.Collect().Combine(context.CompilationProvider),
                static (output, pair) =>
                {
                    foreach (var diagnostic in pair.Left)
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                    }
                });

        /// <summary>Every type carrying <paramref name="attribute"/>, bound once and parsed by the message, serialization
        /// and validation parsers together.</summary>
        private static IncrementalValuesProvider<ParsedMessage> ForMessages(IncrementalGeneratorInitializationContext context, string attribute, MessageKind kind)
            => context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    (ctx, ct) => new ParsedMessage(MessageParser.Parse(ctx, kind, ct), SerializationParser.ParseShared(ctx, ct), ValidationParser.Parse(ctx, ct)))
                .WithTrackingName(TrackingNames.ParsedMessages);

        private static AssemblySpec AssemblyInfo(Compilation compilation)
        {
            string name = compilation.AssemblyName ?? "Assembly";
            var modules = new List<string>();
            var shared = new List<BehaviorSpec>();
            foreach (var referenced in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                foreach (var attribute in referenced.GetAttributes())
                {
                    if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol named)
                    {
                        continue;
                    }

                    if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.ModuleAttribute))
                    {
                        modules.Add(TypeNames.FullyQualified(named));
                    }
                    else if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.SharedBehaviorAttribute))
                    {
                        shared.AddRange(HandlerParser.SharedBehaviors(named));
                    }
                }
            }

            modules.Sort(System.StringComparer.Ordinal);
            shared.Sort(static (a, b) => string.CompareOrdinal(a.TypeTemplate, b.TypeTemplate));
            return new AssemblySpec(name, TypeNames.Identifier(name) + "CatgaModule", modules.ToEquatableArray(), shared.ToEquatableArray());
        }
    }
}
