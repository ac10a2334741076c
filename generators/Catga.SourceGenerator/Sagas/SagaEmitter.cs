using System.Linq;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Sagas
{
    /// <summary>Writes a saga's generated part (definition, one route per message with its switch over state names,
    /// registration, diagram) and the module's saga registration.</summary>
    internal static class SagaEmitter
    {
        private const string Sagas = "global::Catga.Sagas.";

        public static string HintName(SagaSpec spec) => "Catga.Sagas." + spec.DisplayName + ".g.cs";

        public const string RegistrationHintName = "Catga.Sagas.Registration.g.cs";

        public static string Emit(SagaSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            if (spec.Namespace is not null)
            {
                w.OpenBlock("namespace " + spec.Namespace);
            }

            foreach (var outer in spec.ContainingTypes)
            {
                w.OpenBlock("partial " + outer.Keyword + " " + outer.Name);
            }

            string state = spec.StateType;
            w.WriteLine("/// <remarks>");
            w.WriteLine("/// Catga saga <c>" + Xml(spec.SagaName) + "</c>. Its states and transitions, as compiled:");
            w.WriteLine("/// <code>");
            foreach (var line in spec.Diagram.Split('\n').Where(l => l.Length > 0))
            {
                w.WriteLine("/// " + Xml(line));
            }

            w.WriteLine("/// </code>");
            w.WriteLine("/// </remarks>");
            w.OpenBlock("partial class " + spec.Name);
            w.WriteLine("/// <summary>This saga's state diagram in Mermaid syntax (stateDiagram-v2), for docs and dashboards.</summary>");
            var lines = spec.Diagram.Split('\n').Where(l => l.Length > 0).ToArray();
            w.WriteLine("public const string Diagram =");
            for (int i = 0; i < lines.Length; i++)
            {
                w.WriteLine("    " + TypeNames.Literal(lines[i]).TrimEnd('"') + "\\n\"" + (i == lines.Length - 1 ? ";" : " +"));
            }
            w.WriteLine();
            w.WriteLine("/// <summary>What the generator compiled for this saga; pass it to <see cref=\"global::Catga.Sagas.SagaInspector\"/> to read an instance.</summary>");
            w.WriteLine($"public static {Sagas}SagaDefinition<{state}> Definition {{ get; }} = new CatgaSagaDefinition();");
            w.WriteLine();
            w.WriteLine("/// <summary>Registers this saga and routes its messages to it. Called by the generated module.</summary>");
            w.WriteLine("/// <param name=\"builder\">The Catga builder.</param>");
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.OpenBlock("internal static void RegisterCatgaSaga(global::Catga.CatgaBuilder builder)");
            w.WriteLine($"{Sagas}SagaRegistration.AddSaga<{spec.FullyQualifiedName}, {state}>(builder, Definition);");
            foreach (var message in spec.Messages)
            {
                string method = message.IsEvent ? "AddEvent" : "AddCommand";
                w.WriteLine($"{Sagas}SagaRegistration.{method}<{spec.FullyQualifiedName}, {state}, {message.MessageType}>(builder, {TypeNames.Literal(message.MessageDisplay)}, {TypeNames.Literal(spec.DisplayName)}, s_{RouteName(message)});");
            }

            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <summary>The saga's name, states, creation and state formatter.</summary>");
            w.OpenBlock($"private sealed class CatgaSagaDefinition : {Sagas}SagaDefinition<{state}>");
            string states = string.Join(", ", spec.States.Select(TypeNames.Literal));
            w.WriteLine("public CatgaSagaDefinition()");
            w.WriteLine($"    : base({TypeNames.Literal(spec.SagaName)}, new string[] {{ {states} }}, {spec.FullyQualifiedName}.Diagram)");
            w.OpenBlock();
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine($"public override {state} CreateInitialState() => new {state}();");
            w.WriteLine();
            w.WriteLine($"public override {Sagas}Saga<{state}> CreateSaga() => new {spec.FullyQualifiedName}();");
            w.WriteLine();
            string formatter = "global::" + FormatterEmitter.Namespace + "." + spec.StateFormatter;
            w.WriteLine($"public override void WriteState(ref global::Catga.Serialization.CatgaBinaryWriter writer, {state} state) => {formatter}.Write(ref writer, state);");
            w.WriteLine();
            w.WriteLine($"public override {state} ReadState(ref global::Catga.Serialization.CatgaBinaryReader reader) => {formatter}.Read(ref reader);");
            w.WriteLine();
            w.WriteLine("public override string? Correlate(global::Catga.IMessage message) => message switch");
            w.OpenBlock();
            foreach (var message in spec.Messages)
            {
                w.WriteLine($"{message.MessageType} m => s_{RouteName(message)}.Correlate(m),");
            }

            w.WriteLine("_ => null,");
            w.CloseBlock(";");
            w.WriteLine();
            w.OpenBlock($"public override {Sagas}SagaStep? Dispatch({Sagas}Saga<{state}> saga, string stateName, global::Catga.IMessage message, out {Sagas}SagaMessagePolicy? policy)");
            w.OpenBlock("switch (message)");
            foreach (var message in spec.Messages)
            {
                w.WriteLine($"case {message.MessageType} m:");
                w.WriteLine($"    policy = s_{RouteName(message)}.Policy;");
                w.WriteLine($"    return s_{RouteName(message)}.Handle(saga, stateName, m);");
            }

            w.WriteLine("default:");
            w.WriteLine("    policy = null;");
            w.WriteLine("    return null;");
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            foreach (var message in spec.Messages)
            {
                w.WriteLine();
                w.WriteLine($"private static readonly {RouteName(message)} s_{RouteName(message)} = new();");
            }
            foreach (var message in spec.Messages)
            {
                w.WriteLine();
                w.WriteLine($"/// <summary><c>{Xml(message.MessageDisplay)}</c>: when no instance exists, {message.NotFound}; in a state without a handler, {message.Unexpected}{(message.IsTimeout ? "; a timeout this saga schedules, so only an active one is accepted" : string.Empty)}.</summary>");
                w.OpenBlock($"private sealed class {RouteName(message)} : {Sagas}SagaRoute<{state}, {message.MessageType}>");
                w.WriteLine($"public {RouteName(message)}()");
                w.WriteLine($"    : base({message.MessageType}.MessageTypeName, {Sagas}SagaNotFoundPolicy.{message.NotFound}, {Sagas}SagaUnexpectedPolicy.{message.Unexpected}, isTimeout: {(message.IsTimeout ? "true" : "false")})");
                w.OpenBlock();
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine($"public override string Correlate({message.MessageType} message) => {message.Correlation};");
                w.WriteLine();
                w.OpenBlock($"public override {Sagas}SagaStep? Handle({Sagas}Saga<{state}> saga, string stateName, {message.MessageType} message)");
                w.WriteLine("// State names are compared as strings: they are stored by name, so reordering or adding states is safe.");
                w.OpenBlock("switch (stateName)");
                var seen = new System.Collections.Generic.HashSet<string>();
                foreach (var handler in message.Handlers)
                {
                    var states2 = handler.Starts ? new[] { "Initial" } : handler.States.ToArray();
                    foreach (var s in states2.Where(seen.Add))
                    {
                        w.WriteLine($"case {TypeNames.Literal(s)}:");
                        w.WriteLine($"    return (({spec.FullyQualifiedName})saga).{handler.MethodName}(message);");
                    }
                }

                w.WriteLine("default:");
                w.WriteLine("    return null;");
                w.CloseBlock();
                w.CloseBlock();
                w.CloseBlock();
            }

            w.CloseBlock();
            foreach (var _ in spec.ContainingTypes)
            {
                w.CloseBlock();
            }

            if (spec.Namespace is not null)
            {
                w.CloseBlock();
            }

            return w.ToString();
        }

        /// <summary>The module's saga registration: the body of the partial method the module calls.</summary>
        public static string EmitRegistration(string moduleName, EquatableArray<string> sagas)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            w.OpenBlock("namespace Catga.Generated");
            w.OpenBlock("partial class " + moduleName);
            w.WriteLine("/// <summary>Registers this assembly's sagas.</summary>");
            w.OpenBlock("static partial void RegisterSagas(global::Catga.CatgaBuilder builder)");
            w.WriteLine("// The message types let the runtime read back stored effects (compensations, effects a crash left pending).");
            w.WriteLine("global::Catga.Sagas.SagaRegistration.UseMessageTypes(builder, global::Catga.Generated.CatgaMessageTypes.Registry);");
            foreach (var saga in sagas)
            {
                w.WriteLine(saga + ".RegisterCatgaSaga(builder);");
            }

            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        private static string RouteName(SagaMessageSpec message) => TypeNames.Identifier(message.MessageDisplay) + "Route";

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
