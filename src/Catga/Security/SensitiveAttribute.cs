namespace Catga.Security;

/// <summary>
/// Marks a member that holds personal or secret data. Encryption (<see cref="CatgaProtectedAttribute"/>) covers the
/// message body only, so the analyzer rule CATGA310 reports a sensitive member used where it would travel or be stored
/// in clear: a header, a correlation or causation id, a saga key, a subject or stream name. Members marked
/// <c>[PersonalData]</c> (ASP.NET Core Identity) are treated the same way.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
