namespace Catga.Testing.Sagas;

/// <summary>Thrown when a saga test's expectation is not met. Test frameworks (xunit, NUnit, MSTest) report it as a
/// failure; its message says what was expected and lists what the saga actually did.</summary>
public sealed class SagaAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    public SagaAssertionException(string message)
        : base(message)
    {
    }
}
