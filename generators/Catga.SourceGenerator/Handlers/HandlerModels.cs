using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Handlers
{
    /// <summary>Which handler interface a class implements.</summary>
    internal enum HandlerKind
    {
        Command,
        CommandWithResult,
        Query,
        Event,
        Stream,
    }

    /// <summary>What a behavior wraps: a request pipeline, each handler of an event, or a stream pipeline.</summary>
    internal enum BehaviorKind
    {
        Request,
        Event,
        Stream,
    }

    /// <summary>
    /// One constructor parameter: the type to resolve (fully qualified, possibly with <c>{0}</c>/<c>{1}</c>
    /// placeholders for a behavior's request and response types) and how to resolve it.
    /// </summary>
    /// <param name="Type">The parameter type.</param>
    /// <param name="DefaultValue">A C# literal to use when the parameter is optional, or null when it is required.</param>
    /// <param name="IsValueType">Whether the type is a value type: an optional value-type parameter is never a service and takes its default.</param>
    internal sealed record ParameterSpec(string Type, string? DefaultValue, bool IsValueType);

    /// <summary>What a type satisfies, for checking behavior constraints without symbols: its own name, every base type
    /// and every interface, all fully qualified, plus the special constraints it meets.</summary>
    internal sealed record TypeShape(EquatableArray<string> Supertypes, bool IsReferenceType, bool IsValueType, bool HasPublicParameterlessConstructor);

    /// <summary>
    /// One message a handler class handles. Equal when the generated registration would be the same.
    /// </summary>
    internal sealed record HandlerSpec(
        HandlerKind Kind,
        string HandlerType,
        string HandlerDisplay,
        string MessageType,
        string MessageDisplay,
        string ResponseType,
        bool MessageIsAnnotated,
        TypeShape MessageShape,
        TypeShape ResponseShape,
        int Lifetime,
        int Order);

    /// <summary>A class to register in the service container, with the constructor call that creates it.</summary>
    internal sealed record ServiceSpec(string Type, int Lifetime, EquatableArray<ParameterSpec> Parameters);

    /// <summary>A constraint on one type parameter of a behavior, with <c>{0}</c>/<c>{1}</c> placeholders.</summary>
    internal sealed record ConstraintSpec(
        int Role,
        EquatableArray<string> Types,
        bool ReferenceType,
        bool ValueType,
        bool Constructor);

    /// <summary>
    /// One <c>IPipelineBehavior&lt;TRequest, TResponse&gt;</c>, <c>IEventBehavior&lt;TEvent&gt;</c> or
    /// <c>IStreamBehavior&lt;TRequest, TItem&gt;</c> a behavior class implements (<paramref name="Kind"/>), in a form that
    /// can be closed over any message: the class name with placeholders (<c>{0}</c> = request or event, <c>{1}</c> =
    /// response or item) or fixed types where the class pins them.
    /// </summary>
    internal sealed record BehaviorSpec(
        string TypeTemplate,
        string Display,
        string? FixedRequest,
        string? FixedResponse,
        EquatableArray<ConstraintSpec> Constraints,
        EquatableArray<ParameterSpec> Parameters,
        int Order,
        int Lifetime,
        bool IsOpen,
        string? SharedType = null,
        BehaviorKind Kind = BehaviorKind.Request);

    /// <summary>A hand-written validator class and the message type it validates; <paramref name="IsMessage"/> tells
    /// whether that type is a Catga message (validators of other types are only services).</summary>
    internal sealed record ValidatorSpec(string MessageType, string ValidatorType, int Lifetime, bool IsMessage = true);

    /// <summary>One validator the module registers for a message: generated rules (a stateless instance) or a
    /// hand-written class resolved from the container.</summary>
    internal sealed record ValidatorRegistrationSpec(string MessageType, string ValidatorType, bool IsGenerated, bool IsSingleton);

    /// <summary>What one class declaration contributes: handled messages, its service registration, behaviors,
    /// validators, diagnostics. <see cref="WithoutPosition"/> is what registration and pipelines are built from, so a
    /// line added above a handler (which moves <see cref="Location"/> and the diagnostics) regenerates nothing.</summary>
    internal sealed record HandlerCandidate(
        EquatableArray<HandlerSpec> Handlers,
        ServiceSpec? Service,
        EquatableArray<BehaviorSpec> Behaviors,
        EquatableArray<DiagnosticInfo> Diagnostics,
        EquatableArray<ValidatorSpec> Validators = default)
    {
        /// <summary>Where the class is declared (its identifier), for diagnostics that need the whole compilation (CATGA002).</summary>
        public LocationInfo? Location { get; init; }

        /// <summary>The same candidate without positions or diagnostics: equal as long as the generated code would be.</summary>
        public HandlerCandidate WithoutPosition => Location is null && Diagnostics.IsEmpty ? this : this with { Location = null, Diagnostics = EquatableArray<DiagnosticInfo>.Empty };
    }

    /// <summary>The assembly being compiled and the Catga modules of the assemblies it references.</summary>
    /// <param name="SharedBehaviors">The public behaviors of referenced Catga assemblies, applied to this project's requests too.</param>
    internal sealed record AssemblySpec(string AssemblyName, string ModuleName, EquatableArray<string> ReferencedModules, EquatableArray<BehaviorSpec> SharedBehaviors = default);

    /// <summary>One behavior closed over one request, as it appears in a pipeline.</summary>
    internal sealed record PipelineStepSpec(string BehaviorType, int Order);

    /// <summary>The pipeline of one request type: behaviors outermost first, then validation (the validators every
    /// project registered for the request, if any), then the handler.</summary>
    internal sealed record PipelineSpec(
        HandlerKind Kind,
        string MessageType,
        string MessageDisplay,
        string ResponseType,
        string HandlerType,
        string HandlerDisplay,
        bool IsSingleton,
        EquatableArray<PipelineStepSpec> Steps);

    /// <summary>What every pipeline file depends on besides its own handler (see RegistrationBuilder.PipelineContext).</summary>
    /// <param name="ModuleName">The module class the pipeline classes are nested in.</param>
    /// <param name="Behaviors">The request behaviors of this project and the shared ones of referenced libraries.</param>
    /// <param name="Losers">"handler|message" of each handler that loses to a duplicate (CATGA002) and gets no pipeline.</param>
    internal sealed record PipelineContextSpec(string ModuleName, EquatableArray<BehaviorSpec> Behaviors, EquatableArray<string> Losers);

    /// <summary>What <c>AddGeneratedHandlers()</c> depends on: it calls this assembly's module when there is one, else
    /// the referenced assemblies' modules. Its own step, so adding a handler does not regenerate it.</summary>
    internal sealed record ExtensionSpec(string AssemblyName, string ModuleName, EquatableArray<string> ReferencedModules, bool HasOwnModule);

    /// <summary>One pipeline file: the pipeline and the module class it belongs to.</summary>
    internal sealed record PipelineFileSpec(string ModuleName, PipelineSpec Pipeline);

    /// <summary>One event handler registration, with the event behaviors around it (outermost first).
    /// <paramref name="IsSingleton"/> holds when the handler and every behavior are singletons.</summary>
    internal sealed record EventRegistrationSpec(string MessageType, string MessageDisplay, string HandlerType, string HandlerDisplay, bool IsSingleton, int Order, EquatableArray<PipelineStepSpec> Steps);

    /// <summary>One stream handler registration, with the stream behaviors around it (outermost first).
    /// <paramref name="IsSingleton"/> holds when the handler and every behavior are singletons.</summary>
    internal sealed record StreamRegistrationSpec(string MessageType, string MessageDisplay, string ItemType, string HandlerType, string HandlerDisplay, bool IsSingleton, EquatableArray<PipelineStepSpec> Steps);

    /// <summary>Everything the module of one assembly registers. Equal when the generated module would be identical.</summary>
    internal sealed record RegistrationSpec(
        AssemblySpec Assembly,
        EquatableArray<ServiceSpec> Services,
        EquatableArray<PipelineSpec> Pipelines,
        EquatableArray<EventRegistrationSpec> Events,
        EquatableArray<StreamRegistrationSpec> Streams,
        EquatableArray<ValidatorRegistrationSpec> Validators)
    {
        /// <summary>Whether the assembly has sagas; their registration is generated by the saga feature.</summary>
        public bool HasSagas { get; init; }

        /// <summary>Whether the assembly registers anything itself. A contracts project whose messages have validation
        /// rules has a module too, so its rules apply wherever the messages are handled; so does one with sagas.</summary>
        public bool HasOwnModule => !Services.IsEmpty || !Validators.IsEmpty || HasSagas || !SharedBehaviors.IsEmpty;

        /// <summary>This assembly's public behaviors (as <c>typeof</c> operands), exported to referencing projects.</summary>
        public EquatableArray<string> SharedBehaviors { get; init; }
    }
}
