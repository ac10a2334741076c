using System.Linq;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Validation
{
    /// <summary>Writes one validator class per validated type: plain checks, one per rule, in member order.</summary>
    internal static class ValidationEmitter
    {
        public const string Namespace = "Catga.Generated.Validation";
        private const string Errors = "global::Catga.Validation.ValidationErrors";

        public static string HintName(ValidatedTypeSpec spec) => "Catga.Validators." + spec.DisplayName + ".g.cs";

        public static string Emit(ValidatedTypeSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            w.OpenBlock("namespace " + Namespace);
            w.WriteLine($"/// <summary>The validation rules of <c>{spec.DisplayName}</c>, from the attributes on its members{(spec.HasHook ? " and its Validate hook" : string.Empty)}.</summary>");
            w.OpenBlock($"internal sealed class {spec.ValidatorName} : global::Catga.Validation.IMessageValidator<{spec.FullyQualifiedName}>");
            w.WriteLine("/// <summary>The validator has no state, so one instance serves every pipeline.</summary>");
            w.WriteLine($"public static readonly {spec.ValidatorName} Instance = new();");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine($"public void Validate({spec.FullyQualifiedName} message, ref {Errors} errors) => ValidateValue(message, ref errors);");
            w.WriteLine();
            w.WriteLine("/// <summary>Checks <paramref name=\"value\"/>; paths are relative to it, and callers prefix them for nested values.</summary>");
            w.OpenBlock($"public static void ValidateValue({spec.FullyQualifiedName} value, ref {Errors} errors)");
            bool first = true;
            foreach (var member in spec.Members)
            {
                if (!first)
                {
                    w.WriteLine();
                }

                first = false;
                for (int i = 0; i < member.Rules.Count; i++)
                {
                    var rule = member.Rules[i];
                    w.OpenBlock($"{(i == 0 ? "if" : "else if")} ({rule.Condition})");
                    w.WriteLine($"errors.Add({TypeNames.Literal(member.Name)}, {TypeNames.Literal(rule.Code)}, {TypeNames.Literal(rule.Message)});");
                    w.CloseBlock();
                }

                string validator = "global::" + Namespace + "." + member.NestedValidator;
                string name = TypeNames.Literal(member.Name);
                switch (member.Nested)
                {
                    case NestedKind.Single:
                        w.OpenBlock(member.NestedIsValueType ? null : $"if (value.{member.Name} is {{ }} {Local(member.Name)})");
                        w.WriteLine("int start = errors.Count;");
                        w.WriteLine($"{validator}.ValidateValue({(member.NestedIsValueType ? "value." + member.Name : Local(member.Name))}, ref errors);");
                        w.WriteLine($"errors.PrefixSince(start, {name});");
                        w.CloseBlock();
                        break;
                    case NestedKind.IndexedList:
                        w.OpenBlock($"if (value.{member.Name} is {{ }} {Local(member.Name)})");
                        w.OpenBlock($"for (int i = 0; i < {Local(member.Name)}.{member.CountProperty}; i++)");
                        EmitElement(w, member, validator, $"{Local(member.Name)}[i]", name);
                        w.CloseBlock();
                        w.CloseBlock();
                        break;
                    case NestedKind.Enumerable:
                        w.OpenBlock($"if (value.{member.Name} is {{ }} {Local(member.Name)})");
                        w.WriteLine("int i = 0;");
                        w.OpenBlock($"foreach (var item in {Local(member.Name)})");
                        EmitElement(w, member, validator, "item", name);
                        w.WriteLine("i++;");
                        w.CloseBlock();
                        w.CloseBlock();
                        break;
                }
            }

            if (spec.HasHook)
            {
                if (!first)
                {
                    w.WriteLine();
                }

                w.WriteLine("// Cross-field rules written by hand on the type.");
                w.WriteLine("value.Validate(ref errors);");
            }

            w.CloseBlock();
            EmitHelpers(w, spec);
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        private static void EmitElement(SourceWriter w, MemberRulesSpec member, string validator, string element, string name)
        {
            if (member.NestedIsValueType)
            {
                w.WriteLine("int start = errors.Count;");
                w.WriteLine($"{validator}.ValidateValue({element}, ref errors);");
                w.WriteLine($"errors.PrefixSince(start, {name}, i);");
                return;
            }

            w.OpenBlock($"if ({element} is {{ }} element)");
            w.WriteLine("int start = errors.Count;");
            w.WriteLine($"{validator}.ValidateValue(element, ref errors);");
            w.WriteLine($"errors.PrefixSince(start, {name}, i);");
            w.CloseBlock();
        }

        private static void EmitHelpers(SourceWriter w, ValidatedTypeSpec spec)
        {
            var conditions = spec.Members.SelectMany(m => m.Rules).Select(r => r.Condition).ToList();
            if (conditions.Any(c => c.Contains("Matches(")))
            {
                w.WriteLine();
                w.WriteLine("/// <summary>Whole-string match. The regex is built once per pattern (the Regex cache) and runs without a timeout risk");
                w.WriteLine("/// beyond one second, so hostile input cannot stall a pipeline.</summary>");
                w.WriteLine("private static bool Matches(string pattern, string value)");
                w.WriteLine("    => global::System.Text.RegularExpressions.Regex.IsMatch(value, pattern, global::System.Text.RegularExpressions.RegexOptions.CultureInvariant, global::System.TimeSpan.FromSeconds(1));");
            }

            if (conditions.Any(c => c.Contains("IsEmail(")))
            {
                w.WriteLine();
                w.WriteLine("/// <summary>The same loose check as DataAnnotations' EmailAddressAttribute: exactly one '@', neither first nor last.</summary>");
                w.WriteLine("private static bool IsEmail(string value)");
                w.OpenBlock();
                w.WriteLine("int at = value.IndexOf('@');");
                w.WriteLine("return at > 0 && at == value.LastIndexOf('@') && at != value.Length - 1;");
                w.CloseBlock();
            }

            if (conditions.Any(c => c.Contains("IsUrl(")))
            {
                w.WriteLine();
                w.WriteLine("/// <summary>The same check as DataAnnotations' UrlAttribute: an http, https or ftp prefix, without allocating a Uri.</summary>");
                w.WriteLine("private static bool IsUrl(string value)");
                w.WriteLine("    => value.StartsWith(\"http://\", global::System.StringComparison.OrdinalIgnoreCase)");
                w.WriteLine("    || value.StartsWith(\"https://\", global::System.StringComparison.OrdinalIgnoreCase)");
                w.WriteLine("    || value.StartsWith(\"ftp://\", global::System.StringComparison.OrdinalIgnoreCase);");
            }
        }

        /// <summary>A camel-case local for a member, kept clear of the locals the validator itself declares.</summary>
        private static string Local(string member)
        {
            string local = char.ToLowerInvariant(member[0]) + member.Substring(1);
            return local is "i" or "start" or "element" or "item" or "value" or "errors" or "message" ? local + "Value" : local;
        }
    }
}
