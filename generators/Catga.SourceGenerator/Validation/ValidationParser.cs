using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Validation
{
    /// <summary>
    /// Reads the System.ComponentModel.DataAnnotations attributes on a message's members (and on the members of every
    /// type reachable from it) and the message's <c>Validate(ref ValidationErrors)</c> hook, and renders them as rules.
    /// </summary>
    internal static class ValidationParser
    {
        private const string DataAnnotations = "System.ComponentModel.DataAnnotations";

        public static ValidationParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            if (Messages.MessageParser.BaseMessage(type) is not null)
            {
                // A derived message is rejected (CATGA007): no validator for it.
                return new ValidationParseResult(TypeNames.FullyQualified(type), null, EquatableArray<ValidatedTypeSpec>.Empty, EquatableArray<DiagnosticInfo>.Empty);
            }

            var walker = new Walker(cancellationToken);
            string? validator = type.IsGenericType ? null : walker.ValidatorFor(type);
            var types = walker.Types.OrderBy(t => t.FullyQualifiedName, System.StringComparer.Ordinal).ToEquatableArray();
            return new ValidationParseResult(TypeNames.FullyQualified(type), validator, types, walker.Diagnostics.ToEquatableArray());
        }

        private sealed class Walker
        {
            private readonly CancellationToken _cancellationToken;
            private readonly Dictionary<string, string?> _done = new();
            private readonly HashSet<string> _inProgress = new();

            public Walker(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

            public List<ValidatedTypeSpec> Types { get; } = new();

            public List<DiagnosticInfo> Diagnostics { get; } = new();

            /// <summary>The validator class of <paramref name="type"/>, or null when the type has no rules at all.</summary>
            public string? ValidatorFor(INamedTypeSymbol type)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                string name = TypeNames.FullyQualified(type);
                string validator = TypeNames.Identifier(TypeNames.Display(type)) + "Validator";
                if (_done.TryGetValue(name, out var known))
                {
                    return known;
                }

                if (!_inProgress.Add(name))
                {
                    // A cycle (a type that contains itself): it is validated if it has rules of its own.
                    return Members(type).Any(m => Rules(m.Symbol, m.Type).Count > 0) || FindHook(type) ? validator : null;
                }

                var members = new List<MemberRulesSpec>();
                foreach (var (symbol, memberType) in Members(type))
                {
                    var rules = Rules(symbol, memberType);
                    var (nested, nestedValidator, nestedIsValueType, count) = Nested(memberType);
                    if (rules.Count > 0 || nested != NestedKind.None)
                    {
                        members.Add(new MemberRulesSpec(symbol.Name, rules.ToEquatableArray(), nested, nestedValidator, nestedIsValueType, count));
                    }
                }

                bool hook = FindHook(type);
                _inProgress.Remove(name);
                string? result = members.Count > 0 || hook ? validator : null;
                _done[name] = result;
                if (result is not null)
                {
                    Types.Add(new ValidatedTypeSpec(name, TypeNames.Display(type), validator, type.IsValueType, members.ToEquatableArray(), hook));
                }

                return result;
            }

            private static IEnumerable<(ISymbol Symbol, ITypeSymbol Type)> Members(INamedTypeSymbol type)
            {
                var seen = new HashSet<string>();
                for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
                {
                    foreach (var member in current.GetMembers())
                    {
                        if (member.IsStatic || member.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal) || !seen.Add(member.Name))
                        {
                            continue;
                        }

                        if (member is IPropertySymbol { IsIndexer: false, GetMethod: not null } property)
                        {
                            yield return (property, property.Type);
                        }
                        else if (member is IFieldSymbol { IsConst: false, AssociatedSymbol: null } field)
                        {
                            yield return (field, field.Type);
                        }
                    }
                }
            }

            /// <summary>Whether the type declares <c>void Validate(ref ValidationErrors errors)</c> that generated code can
            /// call. A private or protected one is reported (CATGA211) rather than silently skipped.</summary>
            private bool FindHook(INamedTypeSymbol type)
            {
                bool found = false;
                foreach (var method in type.GetMembers("Validate").OfType<IMethodSymbol>())
                {
                    if (method.IsStatic
                        || !method.ReturnsVoid
                        || method.Parameters.Length != 1
                        || method.Parameters[0].RefKind != RefKind.Ref
                        || method.Parameters[0].Type is not INamedTypeSymbol { Name: "ValidationErrors" } parameter
                        || parameter.ContainingNamespace?.ToDisplayString() != "Catga.Validation")
                    {
                        continue;
                    }

                    if (method.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
                    {
                        found = true;
                    }
                    else
                    {
                        var info = DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InaccessibleValidateHook, method.Locations.FirstOrDefault(), TypeNames.Display(type));
                        if (!Diagnostics.Contains(info))
                        {
                            Diagnostics.Add(info);
                        }
                    }
                }

                return found;
            }

            private (NestedKind Kind, string? Validator, bool IsValueType, string? Count) Nested(ITypeSymbol type)
            {
                if (type is IArrayTypeSymbol { Rank: 1 } array)
                {
                    return Element(array.ElementType, NestedKind.IndexedList, "Length");
                }

                if (type is not INamedTypeSymbol named || named.SpecialType != SpecialType.None)
                {
                    return (NestedKind.None, null, false, null);
                }

                if (named.IsGenericType && named.TypeArguments.Length == 1)
                {
                    string definition = named.OriginalDefinition.ToDisplayString();
                    if (definition is "System.Collections.Generic.List<T>" or "System.Collections.Generic.IReadOnlyList<T>" or "System.Collections.Generic.IList<T>" or "System.Collections.Immutable.ImmutableArray<T>")
                    {
                        return Element(named.TypeArguments[0], NestedKind.IndexedList, definition.EndsWith("ImmutableArray<T>", System.StringComparison.Ordinal) ? "Length" : "Count");
                    }

                    if (named.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) || named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                    {
                        return Element(named.TypeArguments[0], NestedKind.Enumerable, null);
                    }
                }

                if (IsValidatable(named))
                {
                    var validator = ValidatorFor(named);
                    return validator is null ? (NestedKind.None, null, false, null) : (NestedKind.Single, validator, named.IsValueType, null);
                }

                return (NestedKind.None, null, false, null);
            }

            private (NestedKind, string?, bool, string?) Element(ITypeSymbol element, NestedKind kind, string? count)
            {
                if (element is INamedTypeSymbol named && named.SpecialType == SpecialType.None && IsValidatable(named) && ValidatorFor(named) is { } validator)
                {
                    return (kind, validator, named.IsValueType, count);
                }

                return (NestedKind.None, null, false, null);
            }

            private static bool IsValidatable(INamedTypeSymbol type)
                => type.TypeKind is TypeKind.Class or TypeKind.Struct
                && !type.IsGenericType
                && type.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal
                && type.ContainingNamespace?.ToDisplayString() is { } ns
                && ns != "System" && !ns.StartsWith("System.", System.StringComparison.Ordinal) && !ns.StartsWith("Microsoft.", System.StringComparison.Ordinal);

            private List<RuleSpec> Rules(ISymbol member, ITypeSymbol type)
            {
                var rules = new List<RuleSpec>();
                string access = "value." + member.Name;
                string name = member.Name;
                var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
                bool isString = type.SpecialType == SpecialType.System_String;
                string? sizeProperty = isString || type is IArrayTypeSymbol ? "Length"
                    : type.GetMembers("Count").OfType<IPropertySymbol>().Any() || type.AllInterfaces.Any(i => i.GetMembers("Count").Any()) ? "Count"
                    : null;

                foreach (var attribute in member.GetAttributes())
                {
                    var attributeClass = attribute.AttributeClass;
                    string? attributeNamespace = attributeClass?.ContainingNamespace?.ToDisplayString();
                    bool isMatches = attributeNamespace == "Catga.Validation" && attributeClass!.Name == "MatchesAttribute";
                    if (attributeNamespace != DataAnnotations && !isMatches)
                    {
                        continue;
                    }

                    string? custom = attribute.NamedArguments.FirstOrDefault(a => a.Key == "ErrorMessage").Value.Value as string;
                    string Message(string fallback) => custom is null ? fallback : custom.Replace("{0}", name);
                    int Int(int index) => (int)attribute.ConstructorArguments[index].Value!;
                    void Unsupported(string why) => Diagnostics.Add(DiagnosticInfo.Create(
                        CatgaDiagnosticDescriptors.UnsupportedValidation,
                        attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation() ?? member.Locations.FirstOrDefault(),
                        attributeClass.Name.Replace("Attribute", string.Empty),
                        member.ContainingType.Name + "." + name,
                        why));

                    switch (attributeClass!.Name)
                    {
                        case "MatchesAttribute":
                            string method = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
                            bool regexMethod = member.ContainingType.GetMembers(method).OfType<IMethodSymbol>().Any(m =>
                                m.IsStatic && m.Parameters.Length == 0
                                && m.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal
                                && m.ReturnType.ToDisplayString() == "System.Text.RegularExpressions.Regex");
                            if (!isString || !regexMethod)
                            {
                                Unsupported(!isString
                                    ? "[Matches] applies to strings"
                                    : $"'{member.ContainingType.Name}' has no public or internal static method '{method}()' returning Regex");
                                break;
                            }

                            rules.Add(new RuleSpec($"{access} is not null && !{TypeNames.FullyQualified(member.ContainingType)}.{method}().IsMatch({access})", "Pattern", Message($"'{name}' does not match the expected format.")));
                            break;
                        case "RequiredAttribute":
                            bool allowEmpty = attribute.NamedArguments.Any(a => a.Key == "AllowEmptyStrings" && a.Value.Value is true);
                            if (isString)
                            {
                                rules.Add(new RuleSpec(allowEmpty ? $"{access} is null" : $"string.IsNullOrWhiteSpace({access})", "Required", Message($"'{name}' is required.")));
                            }
                            else if (type.IsReferenceType || !SymbolEqualityComparer.Default.Equals(underlying, type))
                            {
                                rules.Add(new RuleSpec($"{access} is null", "Required", Message($"'{name}' is required.")));
                            }
                            else
                            {
                                Unsupported("a non-nullable value type always has a value; make it nullable or use [Range]");
                            }

                            break;
                        case "RangeAttribute":
                            if (attribute.ConstructorArguments.Length != 2 || Numeric(underlying) is not { } suffix)
                            {
                                Unsupported("[Range] needs a numeric member and the (int, int) or (double, double) constructor");
                                break;
                            }

                            string min = Constant(attribute.ConstructorArguments[0].Value!, suffix);
                            string max = Constant(attribute.ConstructorArguments[1].Value!, suffix);
                            if (min.Contains('.') && suffix.Length == 0 || max.Contains('.') && suffix.Length == 0)
                            {
                                Unsupported("the bounds have fractions but the member is an integer");
                                break;
                            }

                            rules.Add(new RuleSpec($"{access} is < {min} or > {max}", "Range", Message($"'{name}' must be between {Display(attribute.ConstructorArguments[0].Value!)} and {Display(attribute.ConstructorArguments[1].Value!)}.")));
                            break;
                        case "StringLengthAttribute":
                            if (!isString)
                            {
                                Unsupported("[StringLength] applies to strings");
                                break;
                            }

                            int maximum = Int(0);
                            int minimum = attribute.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value as int? ?? 0;
                            rules.Add(new RuleSpec(
                                minimum > 0 ? $"{access} is {{ Length: < {minimum} or > {maximum} }}" : $"{access} is {{ Length: > {maximum} }}",
                                "Length",
                                Message(minimum > 0 ? $"'{name}' must be {minimum} to {maximum} characters long." : $"'{name}' must be at most {maximum} characters long.")));
                            break;
                        case "MinLengthAttribute":
                        case "MaxLengthAttribute":
                        case "LengthAttribute":
                            if (sizeProperty is null)
                            {
                                Unsupported("length rules apply to strings, arrays and collections");
                                break;
                            }

                            string unit = isString ? "characters" : "items";
                            string code = isString ? "Length" : "Count";
                            if (attributeClass.Name == "MinLengthAttribute")
                            {
                                rules.Add(new RuleSpec($"{access} is {{ {sizeProperty}: < {Int(0)} }}", code, Message($"'{name}' must have at least {Int(0)} {unit}.")));
                            }
                            else if (attributeClass.Name == "MaxLengthAttribute")
                            {
                                rules.Add(new RuleSpec($"{access} is {{ {sizeProperty}: > {Int(0)} }}", code, Message($"'{name}' must have at most {Int(0)} {unit}.")));
                            }
                            else
                            {
                                rules.Add(new RuleSpec($"{access} is {{ {sizeProperty}: < {Int(0)} or > {Int(1)} }}", code, Message($"'{name}' must have {Int(0)} to {Int(1)} {unit}.")));
                            }

                            break;
                        case "RegularExpressionAttribute":
                            if (!isString)
                            {
                                Unsupported("[RegularExpression] applies to strings");
                                break;
                            }

                            string pattern = (string)attribute.ConstructorArguments[0].Value!;
                            rules.Add(new RuleSpec($"{access} is not null && !Matches({TypeNames.Literal("^(?:" + pattern + ")$")}, {access})", "Pattern", Message($"'{name}' does not match the expected format.")));
                            break;
                        case "EmailAddressAttribute":
                            if (!isString)
                            {
                                Unsupported("[EmailAddress] applies to strings");
                                break;
                            }

                            rules.Add(new RuleSpec($"{access} is not null && !IsEmail({access})", "Email", Message($"'{name}' is not an e-mail address.")));
                            break;
                        case "UrlAttribute":
                            if (!isString)
                            {
                                Unsupported("[Url] applies to strings");
                                break;
                            }

                            rules.Add(new RuleSpec($"{access} is not null && !IsUrl({access})", "Url", Message($"'{name}' is not an absolute http, https or ftp URL.")));
                            break;
                    }
                }

                return rules;
            }

            /// <summary>The literal suffix for a numeric type (empty for integers), or null when it is not numeric.</summary>
            private static string? Numeric(ITypeSymbol type) => type.SpecialType switch
            {
                SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                    or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => string.Empty,
                SpecialType.System_Single => "f",
                SpecialType.System_Double => "d",
                SpecialType.System_Decimal => "m",
                _ => null,
            };

            private static string Constant(object value, string suffix)
            {
                string text = value switch
                {
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
                };
                if (suffix.Length == 0 && text.EndsWith(".0", System.StringComparison.Ordinal))
                {
                    text = text.Substring(0, text.Length - 2);
                }

                return text + suffix;
            }

            private static string Display(object value) => System.Convert.ToString(value, CultureInfo.InvariantCulture)!;
        }
    }
}
