using System.Collections.Generic;
using System.Collections.Immutable;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Async
{
    /// <summary>
    /// CATGA100: handler or behavior code that blocks on asynchronous work: <c>Task&lt;T&gt;.Result</c>,
    /// <c>ValueTask&lt;T&gt;.Result</c>, <c>Task.Wait</c>, <c>GetAwaiter().GetResult()</c> on any BCL awaiter,
    /// <c>Task.WaitAll</c>, <c>Task.WaitAny</c> and <c>Thread.Sleep</c>. Reading a result after the task was awaited or
    /// checked for completion is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property naming the kind of blocking call, so the code fix knows the rewrite without re-binding.</summary>
        internal const string KindProperty = "Kind";

        internal const string ResultKind = "Result";
        internal const string WaitKind = "Wait";
        internal const string GetResultKind = "GetResult";
        internal const string WaitAllKind = "WaitAll";
        internal const string WaitAnyKind = "WaitAny";
        internal const string SleepKind = "Sleep";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.BlockingCall);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (CatgaSymbols.TryCreate(start.Compilation) is not { } symbols)
                {
                    return;
                }

                var blocking = FindBlockingMembers(start.Compilation);
                if (blocking.Count == 0)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeInvocation(c, symbols, blocking), OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzePropertyReference(c, symbols, blocking), OperationKind.PropertyReference);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, CatgaSymbols symbols, Dictionary<ISymbol, string> blocking)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!blocking.TryGetValue(invocation.TargetMethod.OriginalDefinition, out var kind) || !HandlerCode.Contains(symbols, context))
            {
                return;
            }

            var task = kind switch
            {
                WaitKind => invocation.Instance,
                GetResultKind => (invocation.Instance as IInvocationOperation)?.Instance,
                _ => null,
            };
            if (task is not null && CompletionEvidence.IsKnownCompleted(symbols, task, invocation, context.CancellationToken))
            {
                return;
            }

            Report(context, invocation, kind, invocation.TargetMethod);
        }

        private static void AnalyzePropertyReference(OperationAnalysisContext context, CatgaSymbols symbols, Dictionary<ISymbol, string> blocking)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (!blocking.TryGetValue(reference.Property.OriginalDefinition, out var kind) || !HandlerCode.Contains(symbols, context))
            {
                return;
            }

            if (CompletionEvidence.IsKnownCompleted(symbols, reference.Instance, reference, context.CancellationToken))
            {
                return;
            }

            Report(context, reference, kind, reference.Property);
        }

        private static void Report(OperationAnalysisContext context, IOperation operation, string kind, ISymbol member)
            => context.ReportDiagnostic(Diagnostic.Create(
                CatgaAnalyzerDescriptors.BlockingCall,
                operation.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind),
                member.ContainingType.Name + "." + member.Name));

        /// <summary>The blocking members by symbol (original definitions), each with its kind.</summary>
        private static Dictionary<ISymbol, string> FindBlockingMembers(Compilation compilation)
        {
            var members = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);

            void Add(string typeName, string memberName, string kind)
            {
                if (compilation.GetTypeByMetadataName(typeName) is not { } type)
                {
                    return;
                }

                foreach (var member in type.GetMembers(memberName))
                {
                    if (member is IMethodSymbol or IPropertySymbol)
                    {
                        members[member] = kind;
                    }
                }
            }

            Add("System.Threading.Tasks.Task`1", "Result", ResultKind);
            Add("System.Threading.Tasks.ValueTask`1", "Result", ResultKind);
            Add("System.Threading.Tasks.Task", "Wait", WaitKind);
            Add("System.Threading.Tasks.Task", "WaitAll", WaitAllKind);
            Add("System.Threading.Tasks.Task", "WaitAny", WaitAnyKind);
            Add("System.Threading.Thread", "Sleep", SleepKind);
            foreach (var awaiter in new[]
            {
                "System.Runtime.CompilerServices.TaskAwaiter",
                "System.Runtime.CompilerServices.TaskAwaiter`1",
                "System.Runtime.CompilerServices.ValueTaskAwaiter",
                "System.Runtime.CompilerServices.ValueTaskAwaiter`1",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter",
            })
            {
                Add(awaiter, "GetResult", GetResultKind);
            }

            return members;
        }
    }
}
