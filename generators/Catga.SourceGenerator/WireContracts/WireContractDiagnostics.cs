using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>The diagnostics of the wire-contract check (CATGA300-CATGA306). IDs are stable forever; each has a page
    /// under docs/diagnostics.</summary>
    internal static class WireContractDiagnostics
    {
        /// <summary>The diagnostic property that carries the contract lines recording the current shape, one per line.</summary>
        public const string EntriesProperty = "CatgaWire.Entries";

        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/diagnostics/";
        private const string Category = "Catga.WireContracts";

        public static readonly DiagnosticDescriptor MemberRemoved = new(
            id: "CATGA300",
            title: "Shipped wire member removed or renamed",
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. Payloads already written would be read with values in the wrong members; put the member back where it was (it may be [Obsolete]), or ship the change as a new version of the wire name.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The binary format is positional: a removed or renamed member shifts every later member, so stored and in-flight payloads would be misread without any error.",
            helpLinkUri: HelpLinkBase + "CATGA300.md");

        public static readonly DiagnosticDescriptor MembersReordered = new(
            id: "CATGA301",
            title: "Shipped wire members reordered",
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. Wire order is declaration order, so old payloads would swap values; restore the shipped order and add new members at the end.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Members are written in declaration order and read by position; moving a member makes old payloads land in the wrong members.",
            helpLinkUri: HelpLinkBase + "CATGA301.md");

        public static readonly DiagnosticDescriptor MemberRetyped = new(
            id: "CATGA302",
            title: "Shipped wire member retyped",
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. Old payloads cannot be read as the new type; keep the shipped type and add a member with the new type at the end, or ship the change as a new version of the wire name.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A member whose wire type changes (for example int32 to int64, or string to a nested type) makes every stored payload unreadable or misread.",
            helpLinkUri: HelpLinkBase + "CATGA302.md");

        public static readonly DiagnosticDescriptor WireNameChanged = new(
            id: "CATGA303",
            title: "Shipped wire name renamed",
            messageFormat: "'{0}' was shipped with wire name '{1}' and now has '{2}'; stored payloads and services on the previous release still use '{1}'. Restore [CatgaMessageName(\"{1}\")], or keep the old message and declare the new one as its next version.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The wire name is how a receiver finds the message type; renaming it makes every payload written under the old name undeliverable.",
            helpLinkUri: HelpLinkBase + "CATGA303.md");

        public static readonly DiagnosticDescriptor ChangeNotRecorded = new(
            id: "CATGA304",
            title: "Wire contract change not recorded",
            messageFormat: "The wire contract of '{0}' is not recorded: {1}. Record it in CatgaWire.Unshipped.txt (a code fix does it).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "New messages and members appended at the end are compatible changes, but they become part of the contract the next release ships, so they are recorded in CatgaWire.Unshipped.txt.",
            helpLinkUri: HelpLinkBase + "CATGA304.md");

        public static readonly DiagnosticDescriptor EntryWithoutMessage = new(
            id: "CATGA305",
            title: "Wire contract entry without a message",
            messageFormat: "{0} lists '{1}', but no message in this project has that wire name; payloads still stored under it can no longer be read. Remove the entry once none remain.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Deleting a message leaves its payloads in outboxes, streams and dead-letter stores without a reader.",
            helpLinkUri: HelpLinkBase + "CATGA305.md");

        public static readonly DiagnosticDescriptor InvalidContractLine = new(
            id: "CATGA306",
            title: "Wire contract line cannot be read",
            messageFormat: "{0}: this line cannot be read: {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Every non-comment line of CatgaWire.Shipped.txt and CatgaWire.Unshipped.txt is one entry written by the code fix.",
            helpLinkUri: HelpLinkBase + "CATGA306.md");

        public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new Dictionary<string, DiagnosticDescriptor>
        {
            [MemberRemoved.Id] = MemberRemoved,
            [MembersReordered.Id] = MembersReordered,
            [MemberRetyped.Id] = MemberRetyped,
            [WireNameChanged.Id] = WireNameChanged,
            [ChangeNotRecorded.Id] = ChangeNotRecorded,
            [EntryWithoutMessage.Id] = EntryWithoutMessage,
            [InvalidContractLine.Id] = InvalidContractLine,
        };
    }
}
