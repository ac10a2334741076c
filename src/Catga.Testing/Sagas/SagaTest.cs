using Catga.Sagas;

namespace Catga.Testing.Sagas;

/// <summary>Starts a Given/When/Then test of one saga, without a bus, a store or a clock.</summary>
public static class SagaTest
{
    /// <summary>Starts a test of the saga described by <paramref name="definition"/>.</summary>
    /// <typeparam name="TState">The saga's data type.</typeparam>
    /// <param name="definition">The saga's generated definition, for example <c>OrderSaga.Definition</c>.</param>
    /// <returns>The test, with no instance yet (as if none existed for the key).</returns>
    public static SagaTest<TState> For<TState>(SagaDefinition<TState> definition)
        where TState : class
        => new(definition ?? throw new ArgumentNullException(nameof(definition)));
}
