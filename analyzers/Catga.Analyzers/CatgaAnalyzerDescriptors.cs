using Microsoft.CodeAnalysis;

namespace Catga.Analyzers
{
    /// <summary>The diagnostics the Catga analyzers report. IDs are stable forever; each has a page under docs/analyzers.</summary>
    internal static class CatgaAnalyzerDescriptors
    {
        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/analyzers/";

        public static readonly DiagnosticDescriptor BlockingCall = new(
            id: "CATGA100",
            title: "Handler blocks on asynchronous work",
            messageFormat: "'{0}' blocks the thread until the work completes; await it instead",
            category: "Catga.Async",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Blocking a handler or behavior on a task ties up a thread-pool thread for the whole wait, starves the pool under load and can deadlock. Await the task (or Task.Delay instead of Thread.Sleep).",
            helpLinkUri: HelpLinkBase + "CATGA100.md");

        public static readonly DiagnosticDescriptor AsyncVoid = new(
            id: "CATGA101",
            title: "Handler code declares an async void method",
            messageFormat: "'{0}' is async void: nobody can await it and an exception in it crashes the process; return Task",
            category: "Catga.Async",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "An async void method cannot be awaited, so the handler's result does not wait for it and its exceptions are raised on the thread pool, where they terminate the process instead of becoming a failed CatgaResult.",
            helpLinkUri: HelpLinkBase + "CATGA101.md");

        public static readonly DiagnosticDescriptor UnobservedTask = new(
            id: "CATGA102",
            title: "Handler drops a task without awaiting it",
            messageFormat: "The task returned by '{0}' is neither awaited nor stored; await it, or assign it to '_' to state that it may run on after the handler returns",
            category: "Catga.Async",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A dropped task keeps running after the handler has reported success: its failure is lost, it outlives the cancellation token and the scope of scoped services, and the caller's result lies.",
            helpLinkUri: HelpLinkBase + "CATGA102.md");

        public static readonly DiagnosticDescriptor MutableMessage = new(
            id: "CATGA103",
            title: "Message type is mutable",
            messageFormat: "'{0}' of message '{1}' can be changed after the message is created; use 'init'",
            category: "Catga.Messages",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A message is shared by every behavior and event handler that sees it and is serialized when it crosses a process boundary. A handler that changes it changes what the others see, and the change is lost on the wire. Message state is set once, when the message is created.",
            helpLinkUri: HelpLinkBase + "CATGA103.md");
    

        public static readonly DiagnosticDescriptor CancellationTokenNotPassed = new(
            id: "CATGA104",
            title: "Handler does not pass its CancellationToken on",
            messageFormat: "'{0}' can take a CancellationToken; pass '{1}'",
            category: "Catga.Async",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "When the caller gives up (a timeout, a cancelled request, a host shutting down), work that did not get the token keeps running and holds connections, locks and threads for a result nobody waits for.",
            helpLinkUri: HelpLinkBase + "CATGA104.md");
    

        public static readonly DiagnosticDescriptor DynamicCode = new(
            id: "CATGA105",
            title: "Reflection or dynamic code in Catga code is not Native AOT safe",
            messageFormat: "'{0}' loads or generates code at run time, which a Native AOT or trimmed Catga application cannot do",
            category: "Catga.Aot",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Catga applications publish as Native AOT executables. Types found by name, generic types closed at run time, loaded assemblies, compiled expressions and the dynamic binder need code that was not compiled ahead of time or was trimmed away, and fail at run time. Decide the type at compile time instead.",
            helpLinkUri: HelpLinkBase + "CATGA105.md");
    

        public static readonly DiagnosticDescriptor SynchronousIo = new(
            id: "CATGA106",
            title: "Handler does synchronous I/O where an asynchronous API exists",
            messageFormat: "'{0}' blocks the thread on I/O; use '{1}' and await it",
            category: "Catga.Async",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Synchronous file, network and database calls hold a thread-pool thread for the whole I/O wait, which starves the pool under load. The asynchronous counterpart releases the thread and can be cancelled.",
            helpLinkUri: HelpLinkBase + "CATGA106.md");
    

        public static readonly DiagnosticDescriptor MessageMissingFromJsonContext = new(
            id: "CATGA107",
            title: "Message type is missing from the Catga JSON context",
            messageFormat: "'{0}' is not listed on the Catga JSON context '{1}'; add [JsonSerializable(typeof({0}))] to it",
            category: "Catga.Serialization",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The JsonSerializerContext marked [CatgaJsonContext] is what Catga serializes messages with. A message type it does not list has no generated serializer, so sending or publishing it over a transport fails at run time.",
            helpLinkUri: HelpLinkBase + "CATGA107.md",
            customTags: WellKnownDiagnosticTags.CompilationEnd);
    

        public static readonly DiagnosticDescriptor UndeclaredIdempotency = new(
            id: "CATGA108",
            title: "Distributed command does not declare how duplicates are handled",
            messageFormat: "'{0}' crosses a process boundary and may be delivered twice; mark it [Idempotent] (the inbox drops duplicates) or [NaturallyIdempotent] (handling it twice is harmless)",
            category: "Catga.Messaging",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Transports deliver at least once: after a timeout or a crash a command can arrive again. A command changes state, so handling a duplicate can charge a card twice. Declare whether the inbox deduplicates it or whether its effect is naturally idempotent.",
            helpLinkUri: HelpLinkBase + "CATGA108.md");
    

        public static readonly DiagnosticDescriptor CaptiveScopedDependency = new(
            id: "CATGA109",
            title: "Singleton handler or behavior captures a scoped one",
            messageFormat: "'{0}' is a singleton but takes '{1}', which is scoped; the singleton keeps the first scope's instance forever",
            category: "Catga.Messaging",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A singleton is created once, so a scoped dependency it receives in its constructor outlives its scope: every later call uses the first scope's instance, which may be disposed. Make the capturing class scoped too.",
            helpLinkUri: HelpLinkBase + "CATGA109.md");
    }
}
