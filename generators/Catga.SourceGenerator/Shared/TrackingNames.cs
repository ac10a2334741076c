namespace Catga.SourceGenerator.Shared
{
    /// <summary>Names of incremental steps, so tests can prove each step is cached when unrelated code changes.</summary>
    internal static class TrackingNames
    {
        public const string ParsedMessages = nameof(ParsedMessages);
        public const string Messages = nameof(Messages);
        public const string MessageSources = nameof(MessageSources);
        public const string HandlerCandidates = nameof(HandlerCandidates);
        public const string HandlerModels = nameof(HandlerModels);
        public const string PipelineContext = nameof(PipelineContext);
        public const string Pipelines = nameof(Pipelines);
        public const string Extension = nameof(Extension);
        public const string AssemblyInfo = nameof(AssemblyInfo);
        public const string Registration = nameof(Registration);
        public const string SerializationMessages = nameof(SerializationMessages);
        public const string SerializableMessages = nameof(SerializableMessages);
        public const string Formatters = nameof(Formatters);
        public const string ReferencedMessageTypes = nameof(ReferencedMessageTypes);
        public const string MessageTypeRegistry = nameof(MessageTypeRegistry);
        public const string ValidationMessages = nameof(ValidationMessages);
        public const string Validators = nameof(Validators);
        public const string MessageValidators = nameof(MessageValidators);
        public const string Sagas = nameof(Sagas);
        public const string SagaRegistration = nameof(SagaRegistration);
    }
}
