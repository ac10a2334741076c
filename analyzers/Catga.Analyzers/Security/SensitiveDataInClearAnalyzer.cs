using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Security
{
    /// <summary>
    /// CATGA310: a member marked <c>[Sensitive]</c> (Catga.Security) or <c>[PersonalData]</c> that flows into a place
    /// encryption cannot reach: a message header (<c>MessageHeaders.Set</c> or its indexer), a correlation or causation
    /// id, a saga key (<c>[SagaId]</c> on the member, or the result of a <c>[Correlate]</c> method), or a subject or
    /// stream name (an argument named destination, subject, stream..., or a <c>DestinationFor</c> lambda).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SensitiveDataInClearAnalyzer : DiagnosticAnalyzer
    {
        private const string Header = "a message header";
        private const string CorrelationId = "a correlation or causation id";
        private const string SagaKey = "a saga key";
        private const string Subject = "a subject or stream name";

        private static readonly string[] s_subjectNames = { "destination", "subject", "subjectPrefix", "stream", "streamName", "topic", "queue" };
        private static readonly string[] s_correlationNames = { "correlationId", "causationId" };

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SecurityDescriptors.SensitiveDataInClear);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var sensitive = start.Compilation.GetTypeByMetadataName("Catga.Security.SensitiveAttribute");
                var headers = start.Compilation.GetTypeByMetadataName("Catga.Transport.MessageHeaders");
                var sagaId = start.Compilation.GetTypeByMetadataName("Catga.Sagas.SagaIdAttribute");
                var correlate = start.Compilation.GetTypeByMetadataName("Catga.Sagas.CorrelateAttribute");
                var marks = new Marks(sensitive);

                start.RegisterOperationAction(ctx => AnalyzeArgument(ctx, (IArgumentOperation)ctx.Operation, marks, headers), OperationKind.Argument);
                start.RegisterOperationAction(ctx => AnalyzeAssignment(ctx, (ISimpleAssignmentOperation)ctx.Operation, marks, headers), OperationKind.SimpleAssignment);
                start.RegisterOperationAction(
                    ctx =>
                    {
                        if (correlate is not null && ctx.ContainingSymbol is IMethodSymbol method && Has(method, correlate)
                            && ((IReturnOperation)ctx.Operation).ReturnedValue is { } value)
                        {
                            Report(ctx, value, marks, SagaKey);
                        }
                    },
                    OperationKind.Return);
                if (sagaId is not null)
                {
                    start.RegisterSymbolAction(
                        ctx =>
                        {
                            if (Has(ctx.Symbol, sagaId) && marks.Mark(ctx.Symbol) is { } mark && ctx.Symbol.Locations.FirstOrDefault() is { } location)
                            {
                                ctx.ReportDiagnostic(Diagnostic.Create(SecurityDescriptors.SensitiveDataInClear, location, ctx.Symbol.Name, mark, SagaKey));
                            }
                        },
                        SymbolKind.Property,
                        SymbolKind.Parameter);
                }
            });
        }

        private static void AnalyzeArgument(OperationAnalysisContext context, IArgumentOperation argument, Marks marks, INamedTypeSymbol? headers)
        {
            if (argument.Parameter is not { } parameter)
            {
                return;
            }

            string? use = parameter.ContainingSymbol is IMethodSymbol { Name: "Set" } method && headers is not null
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType, headers) && parameter.Name == "value" ? Header
                : s_correlationNames.Any(n => string.Equals(n, parameter.Name, StringComparison.OrdinalIgnoreCase)) ? CorrelationId
                : s_subjectNames.Any(n => string.Equals(n, parameter.Name, StringComparison.OrdinalIgnoreCase)) && parameter.Type.SpecialType == SpecialType.System_String ? Subject
                : null;
            if (use is not null)
            {
                Report(context, argument.Value, marks, use);
            }
        }

        private static void AnalyzeAssignment(OperationAnalysisContext context, ISimpleAssignmentOperation assignment, Marks marks, INamedTypeSymbol? headers)
        {
            string? use = assignment.Target switch
            {
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer when headers is not null && SymbolEqualityComparer.Default.Equals(indexer.Property.ContainingType, headers) => Header,
                IPropertyReferenceOperation { Property.Name: "CorrelationId" or "CausationId" } => CorrelationId,
                IPropertyReferenceOperation { Property.Name: "DestinationFor" or "SubjectFor" or "StreamFor" or "Subject" or "SubjectPrefix" or "StreamName" or "Destination" } => Subject,
                _ => null,
            };
            if (use is not null)
            {
                Report(context, assignment.Value, marks, use);
            }
        }

        /// <summary>Reports the first sensitive member read anywhere in <paramref name="value"/> (inside interpolations,
        /// concatenations, calls and lambdas too).</summary>
        private static void Report(OperationAnalysisContext context, IOperation value, Marks marks, string use)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                ISymbol? member = operation switch
                {
                    IPropertyReferenceOperation property => property.Property,
                    IFieldReferenceOperation field => field.Field,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (member is not null && marks.Mark(member) is { } mark)
                {
                    context.ReportDiagnostic(Diagnostic.Create(SecurityDescriptors.SensitiveDataInClear, operation.Syntax.GetLocation(), member.Name, mark, use));
                    return;
                }
            }
        }

        private static bool Has(ISymbol symbol, INamedTypeSymbol attribute)
            => symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

        /// <summary>Which members are sensitive: [Sensitive], or any attribute named PersonalDataAttribute; for a record's
        /// positional property, the attribute may sit on its constructor parameter.</summary>
        private sealed class Marks
        {
            private readonly INamedTypeSymbol? _sensitive;

            public Marks(INamedTypeSymbol? sensitive) => _sensitive = sensitive;

            public string? Mark(ISymbol symbol)
            {
                if (Own(symbol) is { } own)
                {
                    return own;
                }

                if (symbol is IPropertySymbol { ContainingType: { IsRecord: true } record } property)
                {
                    foreach (var constructor in record.InstanceConstructors)
                    {
                        foreach (var parameter in constructor.Parameters)
                        {
                            if (parameter.Name == property.Name && Own(parameter) is { } positional)
                            {
                                return positional;
                            }
                        }
                    }
                }

                return null;
            }

            private string? Own(ISymbol symbol)
            {
                foreach (var attribute in symbol.GetAttributes())
                {
                    if (_sensitive is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _sensitive))
                    {
                        return "Sensitive";
                    }

                    if (attribute.AttributeClass?.Name == "PersonalDataAttribute")
                    {
                        return "PersonalData";
                    }
                }

                return null;
            }
        }
    }
}
