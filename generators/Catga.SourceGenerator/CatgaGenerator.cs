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
            var messages = ForMessages(context, KnownTypes.CommandAttribute, MessageKind.Command)
                .Collect()
                .Combine(ForMessages(context, KnownTypes.QueryAttribute, MessageKind.Query).Collect())
                .Combine(ForMessages(context, KnownTypes.EventAttribute, MessageKind.Event).Collect())
                .Combine(ForMessages(context, KnownTypes.StreamRequestAttribute, MessageKind.StreamRequest).Collect())
                .Select(static (all, _) => all.Left.Left.Left.AddRange(all.Left.Left.Right).AddRange(all.Left.Right).AddRange(all.Right))
                .WithTrackingName(TrackingNames.Messages);

            var messageSpecs = messages
                .SelectMany(static (all, _) => all.Where(m => m.Spec is not null).Select(m => m.Spec!))
                .WithTrackingName(TrackingNames.MessageSources);
            context.RegisterSourceOutput(messageSpecs, static (output, spec) => output.AddSource(MessageEmitter.HintName(spec), MessageEmitter.Emit(spec)));
            Report(context, messages.SelectMany(static (all, _) => all.SelectMany(m => m.Diagnostics)));

            var candidates = context.SyntaxProvider
                .CreateSyntaxProvider(HandlerParser.IsCandidate, HandlerParser.Parse)
                .Where(static c => c is not null)
                .Select(static (c, _) => c!)
                .WithTrackingName(TrackingNames.HandlerCandidates);
            Report(context, candidates.SelectMany(static (c, _) => c.Diagnostics));

            var assembly = context.CompilationProvider
                .Select(static (compilation, _) => AssemblyInfo(compilation))
                .WithTrackingName(TrackingNames.AssemblyInfo);

            var generatedValidators = InitializeValidation(context);
            var sagas = SagaGeneration.Initialize(context, assembly);
            var allCandidates = candidates.Collect();
            var registration = allCandidates
                .Combine(assembly)
                .Combine(generatedValidators)
                .Combine(sagas.Select(static (all, _) => !all.IsEmpty))
                .Select(static (pair, _) => RegistrationBuilder.Build(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right) with { HasSagas = pair.Right })
                .WithTrackingName(TrackingNames.Registration);
            context.RegisterSourceOutput(registration, static (output, spec) =>
            {
                output.AddSource(RegistrationEmitter.ExtensionHintName, RegistrationEmitter.EmitExtension(spec));
                if (!spec.HasOwnModule)
                {
                    return;
                }

                output.AddSource(RegistrationEmitter.ModuleHintName(spec), RegistrationEmitter.EmitModule(spec));
                foreach (var pipeline in spec.Pipelines)
                {
                    output.AddSource(RegistrationEmitter.PipelineHintName(pipeline), RegistrationEmitter.EmitPipeline(spec, pipeline));
                }
            });

            StaticMediator.StaticMediatorGeneration.Initialize(context, registration);

            var handlerDiagnostics = allCandidates
                .Combine(messages)
                .Combine(SagaGeneration.HandledCommands(sagas))
                .SelectMany(static (pair, _) => SagaGeneration.WithoutSagaHandled(RegistrationBuilder.FindDiagnostics(pair.Left.Left, pair.Left.Right), pair.Right));
            Report(context, handlerDiagnostics);

            InitializeSerialization(context, sagas.Select(static (all, _) => all.SelectMany(s => s.StateObjects).ToEquatableArray()));
            InitializeScheduling(context, allCandidates);
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

        private static void InitializeSerialization(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<EquatableArray<ObjectSpec>> extraObjects)
        {
            var parsed = ForSerialization(context, KnownTypes.CommandAttribute).Collect()
                .Combine(ForSerialization(context, KnownTypes.QueryAttribute).Collect())
                .Combine(ForSerialization(context, KnownTypes.EventAttribute).Collect())
                .Combine(ForSerialization(context, KnownTypes.StreamRequestAttribute).Collect())
                .Select(static (all, _) => all.Left.Left.Left.AddRange(all.Left.Left.Right).AddRange(all.Left.Right).AddRange(all.Right))
                .WithTrackingName(TrackingNames.SerializationMessages);
            Report(context, parsed.SelectMany(static (all, _) => all.SelectMany(r => r.Diagnostics)));
            Report(context, parsed.SelectMany(static (all, _) => RegistryEmitter.FindDuplicates(all.Where(r => r.Name is not null).Select(r => r.Name!))));

            var messages = parsed
                .SelectMany(static (all, _) => all.Where(r => r.Message is not null).Select(r => r.Message!))
                .WithTrackingName(TrackingNames.SerializableMessages);
            context.RegisterSourceOutput(messages, static (output, spec) => output.AddSource(FormatterEmitter.MessageHintName(spec), FormatterEmitter.EmitMessage(spec)));

            // A type reachable from several messages gets one formatter: the specs are equal whichever message reached it.
            var formatters = parsed
                .Combine(extraObjects)
                .SelectMany(static (pair, _) => pair.Left.SelectMany(r => r.Objects).Concat(pair.Right).GroupBy(o => o.FullyQualifiedName).Select(g => g.First()).OrderBy(o => o.FullyQualifiedName, System.StringComparer.Ordinal))
                .WithTrackingName(TrackingNames.Formatters);
            context.RegisterSourceOutput(formatters, static (output, spec) => output.AddSource(FormatterEmitter.HintName(spec), FormatterEmitter.EmitFormatter(spec)));

            var referenced = context.CompilationProvider
                .Select(static (compilation, _) => (Assembly: compilation.AssemblyName ?? "Assembly", Lists: ReferencedMessageTypeLists(compilation)))
                .WithTrackingName(TrackingNames.ReferencedMessageTypes);
            var registry = messages.Collect()
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
        private static IncrementalValueProvider<EquatableArray<GeneratedValidatorRef>> InitializeValidation(IncrementalGeneratorInitializationContext context)
        {
            var parsed = ForValidation(context, KnownTypes.CommandAttribute).Collect()
                .Combine(ForValidation(context, KnownTypes.QueryAttribute).Collect())
                .Combine(ForValidation(context, KnownTypes.EventAttribute).Collect())
                .Combine(ForValidation(context, KnownTypes.StreamRequestAttribute).Collect())
                .Select(static (all, _) => all.Left.Left.Left.AddRange(all.Left.Left.Right).AddRange(all.Left.Right).AddRange(all.Right))
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

        private static IncrementalValuesProvider<ValidationParseResult> ForValidation(IncrementalGeneratorInitializationContext context, string attribute)
            => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => ValidationParser.Parse(ctx, ct));

        private static IncrementalValuesProvider<SerializationParseResult> ForSerialization(IncrementalGeneratorInitializationContext context, string attribute)
            => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => SerializationParser.Parse(ctx, ct));

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

        private static IncrementalValuesProvider<MessageParseResult> ForMessages(IncrementalGeneratorInitializationContext context, string attribute, MessageKind kind)
            => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                (ctx, ct) => MessageParser.Parse(ctx, kind, ct));

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
