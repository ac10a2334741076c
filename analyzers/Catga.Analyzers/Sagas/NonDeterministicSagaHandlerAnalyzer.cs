using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Sagas
{
    /// <summary>
    /// CATGA346: inside a saga handler ([Starts] or [In] method of a Saga&lt;TState&gt;): reading the clock (DateTime.Now,
    /// UtcNow, Today, DateTimeOffset.Now, UtcNow, TimeProvider, Environment.TickCount, Stopwatch), making random values or
    /// ids (Guid.NewGuid, MessageId.NewId, Random), I/O (File, Directory, Console, HttpClient, streams), or awaiting.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NonDeterministicSagaHandlerAnalyzer : DiagnosticAnalyzer
    {
        private const string ReadsClock = "reads the clock";
        private const string Random = "makes a random value or id";
        private const string Io = "does I/O";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.NonDeterministic);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            SagaSymbols.OnCompilationStart(context, (start, symbols) =>
            {
                start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.PropertyReference, OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.Await);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SagaSymbols symbols)
        {
            if (!InHandler(context.ContainingSymbol, symbols))
            {
                return;
            }

            var (what, why) = context.Operation switch
            {
                IPropertyReferenceOperation p => (Name(p.Property), Property(p.Property)),
                IInvocationOperation i => (Name(i.TargetMethod), Method(i.TargetMethod)),
                IObjectCreationOperation o when o.Type is { } t => ("new " + t.Name, Created(t)),
                IAwaitOperation => ("await", "waits for asynchronous work"),
                _ => (string.Empty, null),
            };
            if (why is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.NonDeterministic, context.Operation.Syntax.GetLocation(), what, why));
            }
        }

        private static bool InHandler(ISymbol? symbol, SagaSymbols symbols)
        {
            for (var s = symbol; s is not null; s = s.ContainingSymbol)
            {
                if (s is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction and not MethodKind.LocalFunction } method)
                {
                    return symbols.IsHandler(method) && symbols.StateTypeOf(method.ContainingType) is not null;
                }
            }

            return false;
        }

        private static string Name(ISymbol member) => member.ContainingType.Name + "." + member.Name;

        private static string? Property(IPropertySymbol property)
            => (Full(property.ContainingType), property.Name) switch
            {
                ("System.DateTime", "Now" or "UtcNow" or "Today") => ReadsClock,
                ("System.DateTimeOffset", "Now" or "UtcNow") => ReadsClock,
                ("System.Environment", "TickCount" or "TickCount64") => ReadsClock,
                ("System.TimeProvider", "System") => ReadsClock,
                ("System.Random", "Shared") => Random,
                _ => null,
            };

        private static string? Method(IMethodSymbol method)
            => Full(method.ContainingType) switch
            {
                "System.Guid" when method.Name == "NewGuid" => Random,
                "Catga.MessageId" when method.Name == "NewId" => Random,
                "System.TimeProvider" when method.Name is "GetUtcNow" or "GetLocalNow" or "GetTimestamp" => ReadsClock,
                "System.Diagnostics.Stopwatch" => ReadsClock,
                "System.IO.File" or "System.IO.Directory" or "System.Console" or "System.Net.Http.HttpClient" or "System.IO.Stream" => Io,
                _ => null,
            };

        private static string? Created(ITypeSymbol type)
            => Full(type) switch
            {
                "System.Random" => Random,
                "System.Net.Http.HttpClient" or "System.IO.FileStream" or "System.IO.StreamReader" or "System.IO.StreamWriter" => Io,
                _ => null,
            };

        private static string Full(ITypeSymbol? type) => type?.OriginalDefinition.ToDisplayString() ?? string.Empty;
    }
}
