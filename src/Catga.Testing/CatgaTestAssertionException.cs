namespace Catga.Testing;

/// <summary>An expectation about a message flow did not hold. The message lists what did happen, so a failing test
/// explains itself under any test framework.</summary>
public sealed class CatgaTestAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what happened.</param>
    public CatgaTestAssertionException(string message)
        : base(message)
    {
    }
}
