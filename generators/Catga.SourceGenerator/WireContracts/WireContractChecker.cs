using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>
    /// Compares the wire shapes of this project's messages, request results and saga states with the contract files.
    /// Against CatgaWire.Shipped.txt a shipped entry may only grow at the end; anything else (a member removed, renamed,
    /// moved or retyped, a wire name or saga name changed, a result value dropped) is an error. Against the recorded contract (Unshipped over Shipped) every shape must be written down,
    /// so the next release ships exactly what the code sends.
    /// </summary>
    internal static class WireContractChecker
    {
        public static EquatableArray<WireDiagnosticInfo> Check(ImmutableArray<MessageContractSpec?> messages, ImmutableArray<ContractFileSpec> files)
        {
            var diagnostics = new List<WireDiagnosticInfo>();
            if (files.IsEmpty)
            {
                // A project opts in by adding a contract file; without one there is nothing to check against.
                return EquatableArray<WireDiagnosticInfo>.Empty;
            }

            // The same file may be listed twice (by the Catga package and by hand): read each path once.
            var distinct = files.GroupBy(f => f.Path, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            var shipped = new Dictionary<string, ContractEntrySpec>(StringComparer.Ordinal);
            var unshipped = new Dictionary<string, ContractEntrySpec>(StringComparer.Ordinal);
            foreach (var file in distinct)
            {
                foreach (var error in file.Errors)
                {
                    diagnostics.Add(new WireDiagnosticInfo(WireContractDiagnostics.InvalidContractLine.Id, error.Location, Args(FileName(file.IsShipped), error.Problem), null));
                }

                var target = file.IsShipped ? shipped : unshipped;
                foreach (var entry in file.Entries)
                {
                    if (!target.ContainsKey(entry.Shape.Identity))
                    {
                        target.Add(entry.Shape.Identity, entry);
                    }
                }
            }

            var code = messages.Where(m => m is not null).Select(m => m!).OrderBy(m => m.DisplayName, StringComparer.Ordinal).ToList();
            var codeIdentities = new HashSet<string>(code.SelectMany(m => m.Shapes).Where(s => s.IsRoot).Select(s => s.Identity), StringComparer.Ordinal);
            var renamedFrom = FindRenames(code, shipped, codeIdentities);
            var checkedTypes = new HashSet<string>(StringComparer.Ordinal);
            var resultsGone = new HashSet<string>(StringComparer.Ordinal);

            foreach (var message in code)
            {
                var own = message.Shapes[0];
                bool broken = false;
                if (renamedFrom.TryGetValue(own.Identity, out var previous))
                {
                    var (noun, remedy) = WireContractDiagnostics.Rename(own.Kind, previous.Shape.Key);
                    diagnostics.Add(new WireDiagnosticInfo(WireContractDiagnostics.WireNameChanged.Id, message.Location, Args(message.DisplayName, previous.Shape.Key, own.Key, noun, remedy), null));
                    broken = true;
                }

                var unrecorded = new List<WireShapeSpec>();
                string? reason = null;
                foreach (var shape in message.Shapes)
                {
                    // A type reached from several messages is checked once, at the first message that reaches it.
                    if (!shape.IsRoot && !checkedTypes.Add(shape.Identity))
                    {
                        continue;
                    }

                    if (shipped.TryGetValue(shape.Identity, out var shippedEntry) && Compare(shippedEntry.Shape, shape) is { } breaking)
                    {
                        // A reachable type takes the remedy of what reaches it: a message's payloads or a saga's instances.
                        var kind = shape.IsRoot ? shape.Kind : own.Kind;
                        diagnostics.Add(new WireDiagnosticInfo(breaking.Id, message.Location, Args(message.DisplayName, shape.Identity, breaking.Detail, WireContractDiagnostics.Remedy(breaking.Id, kind)), null));
                        broken = true;
                        continue;
                    }

                    var recorded = unshipped.TryGetValue(shape.Identity, out var u) ? u : shipped.TryGetValue(shape.Identity, out var s) ? s : null;
                    if (recorded is null || !recorded.Shape.Equals(shape))
                    {
                        unrecorded.Add(shape);
                        reason ??= Reason(recorded?.Shape, shape);
                    }
                }

                // A request that shipped a result value and no longer returns one: callers on the previous release wait
                // for a value the reply no longer holds.
                string resultIdentity = WireContractEmitter.ResultPrefix + own.Key;
                if (own.Kind == WireEntryKind.Message && !codeIdentities.Contains(resultIdentity) && shipped.TryGetValue(resultIdentity, out var shippedResult))
                {
                    var was = shippedResult.Shape.Members[0];
                    diagnostics.Add(new WireDiagnosticInfo(WireContractDiagnostics.MemberRemoved.Id, message.Location, Args(message.DisplayName, resultIdentity, $"the shipped result '{was.Name}: {was.Wire}' is gone: the request no longer returns a value", WireContractDiagnostics.Remedy(WireContractDiagnostics.MemberRemoved.Id, WireEntryKind.Result)), null));
                    resultsGone.Add(resultIdentity);
                    broken = true;
                }

                if (!broken && unrecorded.Count > 0)
                {
                    string entries = string.Join("\n", unrecorded.Select(WireContractEmitter.Line));
                    diagnostics.Add(new WireDiagnosticInfo(WireContractDiagnostics.ChangeNotRecorded.Id, message.Location, Args(message.DisplayName, reason!), entries));
                }
            }

            var renamedResults = new HashSet<string>(renamedFrom.Values.Where(e => e.Shape.Kind == WireEntryKind.Message).Select(e => WireContractEmitter.ResultPrefix + e.Shape.Key), StringComparer.Ordinal);
            foreach (var (entries, isShipped) in new[] { (shipped, true), (unshipped, false) })
            {
                foreach (var entry in entries.Values.Where(e => e.Shape.IsRoot).OrderBy(e => e.Shape.Identity, StringComparer.Ordinal))
                {
                    // A renamed wire name is reported on the message (CATGA303), a result gone on its request (CATGA300),
                    // not again on the file.
                    if (!codeIdentities.Contains(entry.Shape.Identity) && !renamedFrom.Values.Contains(entry) && !renamedResults.Contains(entry.Shape.Identity) && !(isShipped && resultsGone.Contains(entry.Shape.Identity)))
                    {
                        diagnostics.Add(new WireDiagnosticInfo(WireContractDiagnostics.EntryWithoutMessage.Id, entry.Location, Args(FileName(isShipped), entry.Shape.Identity, WireContractDiagnostics.Orphan(entry.Shape.Kind)), null));
                    }
                }
            }

            return diagnostics.ToEquatableArray();
        }

        /// <summary>
        /// Messages and sagas whose shipped entry disappeared under a new name: the same C# type (message type, or saga
        /// state type) now has another name, or (a message type renamed without [CatgaMessageName], whose wire name
        /// follows its C# name) a new message has exactly the members of a shipped message that is gone.
        /// </summary>
        private static Dictionary<string, ContractEntrySpec> FindRenames(List<MessageContractSpec> code, Dictionary<string, ContractEntrySpec> shipped, HashSet<string> codeIdentities)
        {
            var renames = new Dictionary<string, ContractEntrySpec>(StringComparer.Ordinal);
            var gone = shipped.Values.Where(e => e.Shape.Kind is WireEntryKind.Message or WireEntryKind.Saga && !codeIdentities.Contains(e.Shape.Identity)).OrderBy(e => e.Shape.Identity, StringComparer.Ordinal).ToList();
            var fresh = code.Select(m => m.Shapes[0]).Where(s => !shipped.ContainsKey(s.Identity)).ToList();
            foreach (var shape in fresh)
            {
                var previous = gone.FirstOrDefault(e => e.Shape.Kind == shape.Kind && e.Shape.ClrType == shape.ClrType);
                if (previous is not null)
                {
                    renames.Add(shape.Identity, previous);
                    gone.Remove(previous);
                }
            }

            foreach (var shape in fresh.Where(s => s.Kind == WireEntryKind.Message && !renames.ContainsKey(s.Identity)))
            {
                // Only members of its own identify a message: every message starts with the same envelope members.
                var previous = gone.FirstOrDefault(e => e.Shape.Kind == WireEntryKind.Message && e.Shape.Members.Equals(shape.Members) && e.Shape.Members.Any(m => !IsEnvelope(m.Name)));
                if (previous is not null)
                {
                    renames.Add(shape.Identity, previous);
                    gone.Remove(previous);
                }
            }

            return renames;
        }

        /// <summary>The first incompatible difference between a shipped shape and the current one, or null when the current
        /// shape only appends members.</summary>
        public static (string Id, string Detail)? Compare(WireShapeSpec shipped, WireShapeSpec current)
        {
            for (int i = 0; i < shipped.Members.Count; i++)
            {
                var was = shipped.Members[i];
                if (i >= current.Members.Count)
                {
                    return (WireContractDiagnostics.MemberRemoved.Id, $"shipped member '{was.Name}: {was.Wire}' at position {i} is gone");
                }

                var now = current.Members[i];
                if (now.Name != was.Name)
                {
                    int moved = IndexOf(current, was.Name);
                    if (moved >= 0)
                    {
                        return (WireContractDiagnostics.MembersReordered.Id, $"shipped member '{was.Name}' moved from position {i} to {moved}, and position {i} now holds '{now.Name}'");
                    }

                    return (WireContractDiagnostics.MemberRemoved.Id, $"shipped member '{was.Name}: {was.Wire}' at position {i} was removed or renamed; position {i} now holds '{now.Name}: {now.Wire}'");
                }

                if (now.Wire != was.Wire)
                {
                    return (WireContractDiagnostics.MemberRetyped.Id, $"member '{was.Name}' at position {i} was shipped as '{was.Wire}' and is now '{now.Wire}'");
                }
            }

            return null;
        }

        private static string Reason(WireShapeSpec? recorded, WireShapeSpec current)
        {
            if (recorded is null)
            {
                return $"'{current.Identity}' is new";
            }

            bool appended = current.Members.Count > recorded.Members.Count
                && Enumerable.Range(0, recorded.Members.Count).All(i => recorded.Members[i].Equals(current.Members[i]));
            return appended
                ? $"'{current.Identity}' appends {WireContractEmitter.Members(current, recorded.Members.Count)}"
                : $"'{current.Identity}' differs from its entry in CatgaWire.Unshipped.txt";
        }

        private static bool IsEnvelope(string member) => member is "MessageId" or "CorrelationId" or "CausationId";

        private static int IndexOf(WireShapeSpec shape, string name)
        {
            for (int i = 0; i < shape.Members.Count; i++)
            {
                if (shape.Members[i].Name == name)
                {
                    return i;
                }
            }

            return -1;
        }

        private static string FileName(bool shipped) => shipped ? WireContractParser.ShippedFileName : WireContractParser.UnshippedFileName;

        private static EquatableArray<string> Args(params string[] values) => values.ToEquatableArray();
    }
}
