using System.ComponentModel;
using Catga.Serialization;

namespace Catga.Sagas;

/// <summary>
/// What the source generator knows about one saga: its name, its states, how to create it and its initial data, and
/// how to write and read its data with the generated binary formatter. Each saga class gets a generated
/// <c>Definition</c> of this type; pass it to <see cref="SagaInspector"/> to read an instance.
/// </summary>
/// <typeparam name="TState">The saga's data type.</typeparam>
public abstract class SagaDefinition<TState>
    where TState : class
{
    /// <summary>Creates the definition. Called by generated code.</summary>
    /// <param name="name">The stored saga name.</param>
    /// <param name="states">Every state name the saga's handlers name, including the initial and final ones.</param>
    /// <param name="diagram">The Mermaid state diagram.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected SagaDefinition(string name, string[] states, string diagram)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        States = states;
        Diagram = diagram;
    }

    /// <summary>The name instances are stored under.</summary>
    public string Name { get; }

    /// <summary>Every state name of the saga.</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>The saga's state diagram in Mermaid syntax.</summary>
    public string Diagram { get; }

    /// <summary>Creates the data of a new instance.</summary>
    /// <returns>The initial data.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract TState CreateInitialState();

    /// <summary>Creates a saga object to run one handler on.</summary>
    /// <returns>The saga.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract Saga<TState> CreateSaga();

    /// <summary>Writes the data with its generated formatter.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="state">The data.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract void WriteState(ref CatgaBinaryWriter writer, TState state);

    /// <summary>Reads the data with its generated formatter.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The data.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract TState ReadState(ref CatgaBinaryReader reader);

    /// <summary>The key of the instance <paramref name="message"/> belongs to, through the saga's correlation.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The key, or <see langword="null"/> when the saga does not handle the message type.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract string? Correlate(IMessage message);

    /// <summary>Runs the handler of <paramref name="message"/> in <paramref name="stateName"/>, with a switch over the
    /// message types the saga handles (no reflection). Used by the test harness; the runtime calls the typed routes.</summary>
    /// <param name="saga">The saga, with the instance attached.</param>
    /// <param name="stateName">The instance's state.</param>
    /// <param name="message">The message.</param>
    /// <param name="policy">The message's policies, when the saga handles its type.</param>
    /// <returns>The step, or <see langword="null"/> when no handler of the message runs in that state (or the saga does
    /// not handle the message type: then <paramref name="policy"/> is <see langword="null"/>).</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public abstract SagaStep? Dispatch(Saga<TState> saga, string stateName, IMessage message, out SagaMessagePolicy? policy);

    internal byte[] Serialize(TState state)
    {
        var writer = new CatgaBinaryWriter(128);
        try
        {
            WriteState(ref writer, state);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Reads stored data.</summary>
    /// <param name="data">The bytes of <see cref="SagaRecord.State"/>.</param>
    /// <returns>The data.</returns>
    public TState Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new CatgaBinaryReader(data);
        var state = ReadState(ref reader);
        reader.EnsureEnd();
        return state;
    }
}
