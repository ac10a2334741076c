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
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. {3}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The binary format is positional: a removed or renamed member shifts every later member, so stored and in-flight payloads, stored saga states and replies would be misread without any error.",
            helpLinkUri: HelpLinkBase + "CATGA300.md");

        public static readonly DiagnosticDescriptor MembersReordered = new(
            id: "CATGA301",
            title: "Shipped wire members reordered",
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. {3}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Members are written in declaration order and read by position; moving a member makes old payloads and stored saga states land in the wrong members.",
            helpLinkUri: HelpLinkBase + "CATGA301.md");

        public static readonly DiagnosticDescriptor MemberRetyped = new(
            id: "CATGA302",
            title: "Shipped wire member retyped",
            messageFormat: "'{0}' breaks its shipped wire contract ({1}): {2}. {3}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A member whose wire type changes (for example int32 to int64, or string to a nested type) makes every stored payload, saga state or reply of the previous release unreadable or misread.",
            helpLinkUri: HelpLinkBase + "CATGA302.md");

        public static readonly DiagnosticDescriptor WireNameChanged = new(
            id: "CATGA303",
            title: "Shipped wire name renamed",
            messageFormat: "'{0}' was shipped with {3} '{1}' and now has '{2}'. {4}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The wire name is how a receiver finds the message type, and a saga's name is how its stored instances are found; renaming either makes everything written under the old name unreachable.",
            helpLinkUri: HelpLinkBase + "CATGA303.md");

        public static readonly DiagnosticDescriptor ChangeNotRecorded = new(
            id: "CATGA304",
            title: "Wire contract change not recorded",
            messageFormat: "The wire contract of '{0}' is not recorded: {1}. Record it in CatgaWire.Unshipped.txt (a code fix does it).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "New messages, saga states and request results, and members appended at the end, are compatible changes, but they become part of the contract the next release ships, so they are recorded in CatgaWire.Unshipped.txt.",
            helpLinkUri: HelpLinkBase + "CATGA304.md");

        public static readonly DiagnosticDescriptor EntryWithoutMessage = new(
            id: "CATGA305",
            title: "Wire contract entry without a message",
            messageFormat: "{0} lists '{1}', but {2}. Remove the entry once none remain.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Deleting a message leaves its payloads in outboxes, streams and dead-letter stores without a reader; deleting a saga leaves its stored instances without one; a request that stops returning a value leaves callers of the previous release without it.",
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

        /// <summary>What to do about a breaking change (CATGA300-302) to an entry of <paramref name="kind"/>: the last
        /// argument of those messages.</summary>
        public static string Remedy(string id, WireEntryKind kind)
        {
            if (kind == WireEntryKind.Result)
            {
                return id == MemberRemoved.Id
                    ? "Callers on the previous release would read a reply without the value they expect; keep returning it, or add a new request type for the new result"
                    : "Callers on the previous release would misread the reply; keep the shipped result type (appending members to it is compatible), or add a new request type for the new result";
            }

            bool saga = kind == WireEntryKind.Saga;
            string what = saga ? "stored saga instances" : "payloads already written";
            if (id == MemberRemoved.Id)
            {
                return saga
                    ? "Stored saga instances would be read with values in the wrong members; put the member back where it was (it may be [Obsolete]) and add new members at the end"
                    : "Payloads already written would be read with values in the wrong members; put the member back where it was (it may be [Obsolete]), or ship the change as a new version of the wire name";
            }

            if (id == MembersReordered.Id)
            {
                return $"Wire order is declaration order, so {what} would swap values; restore the shipped order and add new members at the end";
            }

            return saga
                ? "Stored saga instances cannot be read as the new type; keep the shipped type and add a member with the new type at the end"
                : "Old payloads cannot be read as the new type; keep the shipped type and add a member with the new type at the end, or ship the change as a new version of the wire name";
        }

        /// <summary>The arguments 3 and 4 of CATGA303 for a renamed message or saga.</summary>
        public static (string Noun, string Remedy) Rename(WireEntryKind kind, string previous)
            => kind == WireEntryKind.Saga
                ? ("saga name", $"Its stored instances are kept under '{previous}' and would never be found again. Restore [Saga(Name = \"{previous}\")], or keep the old saga until its instances end")
                : ("wire name", $"Stored payloads and services on the previous release still use '{previous}'. Restore [CatgaMessageName(\"{previous}\")], or keep the old message and declare the new one as its next version");

        /// <summary>Argument 2 of CATGA305: why an entry of <paramref name="kind"/> has nothing in the code.</summary>
        public static string Orphan(WireEntryKind kind) => kind switch
        {
            WireEntryKind.Saga => "no saga in this project has that name; instances still stored under it can no longer be read",
            WireEntryKind.Result => "no request in this project with that wire name returns a value; callers on the previous release still expect one",
            _ => "no message in this project has that wire name; payloads still stored under it can no longer be read",
        };

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
