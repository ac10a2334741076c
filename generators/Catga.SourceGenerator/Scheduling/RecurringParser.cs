using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Scheduling
{
    /// <summary>
    /// Reads [Recurring] on a message: checks the cron expression (CATGA330), the time zone (CATGA331) and the shape of
    /// the message and attribute (CATGA333), and builds the expression that puts the schedule in the message-type
    /// registry (<c>MessageTypeInfo.Recurring</c>), which the scheduler reads at startup.
    /// </summary>
    internal static class RecurringParser
    {
        /// <summary>The tracking name of the parsed [Recurring] step. Kept out of <c>TrackingNames</c> because Roslyn
        /// records no step for it in a run that reports no diagnostic; SchedulingGeneratorTests checks its caching.</summary>
        public const string TrackingName = "RecurringMessages";

        private static readonly string[] s_messageAttributes =
        {
            KnownTypes.CommandAttribute, KnownTypes.QueryAttribute, KnownTypes.EventAttribute, KnownTypes.StreamRequestAttribute,
        };

        /// <summary>The attribute's values, read without judging them.</summary>
        private sealed class Values
        {
            public string? Cron;
            public bool HasCron;
            public string? TimeZone;
            public int IntervalSeconds;
            public int CatchUp;
        }

        public static RecurringSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var attribute = context.Attributes[0];
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? type.Locations.FirstOrDefault();
            string display = TypeNames.Display(type);
            var values = Read(attribute);
            var diagnostics = new List<DiagnosticInfo>();

            string? shape = ShapeProblem(type, values);
            if (shape is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidRecurring, location, display, shape));
            }

            if (values.HasCron && CronSyntax.Check(values.Cron) is { } cronProblem)
            {
                diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidCron, location, values.Cron ?? string.Empty, display, cronProblem));
            }

            if (TimeZoneSyntax.Check(values.TimeZone) is { } zoneProblem)
            {
                diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidTimeZone, location, values.TimeZone ?? string.Empty, display, zoneProblem));
            }

            bool distributed = type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.DistributedAttribute));
            return new RecurringSpec(
                TypeNames.FullyQualified(type),
                display,
                distributed,
                diagnostics.Count == 0,
                LocationInfo.From(location),
                diagnostics.ToEquatableArray());
        }

        /// <summary>The registry expression of a valid [Recurring] on <paramref name="type"/>, or null when the type has
        /// none or it is invalid (the diagnostics say why).</summary>
        public static string? RegistryExpression(INamedTypeSymbol type)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, KnownTypes.RecurringAttribute));
            if (attribute is null)
            {
                return null;
            }

            var values = Read(attribute);
            if (ShapeProblem(type, values) is not null
                || (values.HasCron && CronSyntax.Check(values.Cron) is not null)
                || TimeZoneSyntax.Check(values.TimeZone) is not null)
            {
                return null;
            }

            string cron = values.HasCron ? Literal(values.Cron!) : "null";
            string zone = values.TimeZone is null ? "null" : Literal(values.TimeZone);
            string create = $"static () => new {TypeNames.FullyQualified(type)}()";
            return string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                "global::Catga.Scheduling.RecurringSchedule.FromAttribute({0}, {1}, {2}, (global::Catga.Scheduling.RecurringCatchUp){3}, {4})",
                cron,
                zone,
                values.IntervalSeconds,
                values.CatchUp,
                create);
        }

        private static Values Read(AttributeData attribute)
        {
            var values = new Values();
            if (attribute.ConstructorArguments.Length == 1)
            {
                values.HasCron = true;
                values.Cron = attribute.ConstructorArguments[0].Value as string;
            }

            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "TimeZone": values.TimeZone = named.Value.Value as string; break;
                    case "IntervalSeconds": values.IntervalSeconds = named.Value.Value is int seconds ? seconds : 0; break;
                    case "CatchUp": values.CatchUp = named.Value.Value is int catchUp ? catchUp : 0; break;
                }
            }

            return values;
        }

        private static string? ShapeProblem(INamedTypeSymbol type, Values values)
        {
            if (!type.GetAttributes().Any(a => s_messageAttributes.Any(m => KnownTypes.Is(a.AttributeClass, m))))
            {
                return "it is not a Catga message; add [CatgaEvent] or [CatgaCommand]";
            }

            if (type.IsAbstract)
            {
                return "it is abstract, so no occurrence can be created";
            }

            bool creatable = type.InstanceConstructors.Any(c =>
                c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal
                && c.Parameters.All(p => p.HasExplicitDefaultValue || p.IsParams));
            if (!creatable)
            {
                return "it has no public or internal constructor callable without arguments, so no occurrence can be created";
            }

            if (values.HasCron && values.IntervalSeconds != 0)
            {
                return "it has both a cron expression and IntervalSeconds; choose one";
            }

            if (!values.HasCron && values.IntervalSeconds < 1)
            {
                return "it has neither a cron expression nor IntervalSeconds of at least 1";
            }

            if (!values.HasCron && values.TimeZone is not null)
            {
                return "TimeZone applies only to cron expressions; an interval counts from the Unix epoch in UTC";
            }

            if (values.CatchUp is < 0 or > 1)
            {
                return $"CatchUp {values.CatchUp} is not a RecurringCatchUp value";
            }

            return null;
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
