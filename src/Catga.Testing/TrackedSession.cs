using System.Text;

namespace Catga.Testing;

/// <summary>
/// What happened while an action ran and until every message it caused, directly or through cascades, outboxes,
/// retries and the in-memory transport between the harness's hosts, had been handled, failed or dead-lettered.
/// Assertions throw <see cref="CatgaTestAssertionException"/> with a list of what did happen.
/// </summary>
public sealed class TrackedSession
{
    internal TrackedSession(IReadOnlyList<MessageObservation> observations) => Observations = observations;

    /// <summary>Everything observed, in order.</summary>
    public IReadOnlyList<MessageObservation> Observations { get; }

    /// <summary>The observations of one kind whose message is a <typeparamref name="TMessage"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="kind">What happened.</param>
    /// <returns>The messages, in order.</returns>
    public IReadOnlyList<TMessage> Messages<TMessage>(ObservationKind kind)
        where TMessage : class
        => Observations.Where(o => o.Kind == kind).Select(o => o.Message).OfType<TMessage>().ToList();

    /// <summary>The <typeparamref name="TMessage"/> messages handled (by any service, or by <paramref name="service"/>).</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="service">Only deliveries to this service, or <see langword="null"/> for all.</param>
    /// <returns>The handled messages, in order.</returns>
    public IReadOnlyList<TMessage> Handled<TMessage>(string? service = null)
        where TMessage : class
        => Observations.Where(o => o.Kind == ObservationKind.Handled && (service is null || o.Service == service))
            .Select(o => o.Message).OfType<TMessage>().ToList();

    /// <summary>Asserts that at least one <typeparamref name="TMessage"/> matching <paramref name="match"/> was
    /// handled (by <paramref name="service"/> when given), and returns the first.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="match">A condition on the message, or <see langword="null"/> for any.</param>
    /// <param name="service">The service that must have handled it, or <see langword="null"/> for any.</param>
    /// <returns>The first matching message.</returns>
    public TMessage AssertHandled<TMessage>(Func<TMessage, bool>? match = null, string? service = null)
        where TMessage : class
        => AssertOne(ObservationKind.Handled, match, service);

    /// <summary>Asserts that at least one <typeparamref name="TMessage"/> matching <paramref name="match"/> was
    /// dead-lettered, and returns the first.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="match">A condition on the message, or <see langword="null"/> for any.</param>
    /// <param name="service">The service that dead-lettered it, or <see langword="null"/> for any.</param>
    /// <returns>The first matching message.</returns>
    public TMessage AssertDeadLettered<TMessage>(Func<TMessage, bool>? match = null, string? service = null)
        where TMessage : class
        => AssertOne(ObservationKind.DeadLettered, match, service);

    /// <summary>Asserts that at least one <typeparamref name="TMessage"/> matching <paramref name="match"/> was
    /// published, and returns the first.</summary>
    /// <typeparam name="TMessage">The event type.</typeparam>
    /// <param name="match">A condition on the event, or <see langword="null"/> for any.</param>
    /// <returns>The first matching event.</returns>
    public TMessage AssertPublished<TMessage>(Func<TMessage, bool>? match = null)
        where TMessage : class
        => AssertOne(ObservationKind.Published, match, null);

    /// <summary>Asserts that at least one <typeparamref name="TMessage"/> matching <paramref name="match"/> was sent
    /// (as a command, or as a request), and returns the first.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="match">A condition on the message, or <see langword="null"/> for any.</param>
    /// <returns>The first matching message.</returns>
    public TMessage AssertSent<TMessage>(Func<TMessage, bool>? match = null)
        where TMessage : class
    {
        foreach (var observation in Observations)
        {
            if (observation.Kind is ObservationKind.Sent or ObservationKind.Requested
                && observation.Message is TMessage message && (match is null || match(message)))
            {
                return message;
            }
        }

        throw Fail($"Expected a sent {typeof(TMessage).Name}{(match is null ? string.Empty : " matching the condition")}, but none was.");
    }

    /// <summary>Asserts that no <typeparamref name="TMessage"/> had <paramref name="kind"/> happen to it.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="kind">What must not have happened.</param>
    public void AssertNone<TMessage>(ObservationKind kind)
        where TMessage : class
    {
        if (Observations.Any(o => o.Kind == kind && o.Message is TMessage))
        {
            throw Fail($"Expected no {typeof(TMessage).Name} to be {kind}, but one was.");
        }
    }

    /// <summary>Asserts how many times <paramref name="kind"/> happened to <typeparamref name="TMessage"/> messages.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="kind">What happened.</param>
    /// <param name="expected">How many times.</param>
    public void AssertCount<TMessage>(ObservationKind kind, int expected)
        where TMessage : class
    {
        int actual = Observations.Count(o => o.Kind == kind && o.Message is TMessage);
        if (actual != expected)
        {
            throw Fail($"Expected {typeof(TMessage).Name} to be {kind} {expected} time(s), but it was {actual} time(s).");
        }
    }

    /// <summary>The observations as text, one per line.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Describe(Observations);

    internal static string Describe(IReadOnlyList<MessageObservation> observations)
    {
        var text = new StringBuilder();
        text.Append("What happened (").Append(observations.Count).Append(" observations):");
        foreach (var observation in observations)
        {
            text.AppendLine().Append("  ").Append(observation);
        }

        return text.ToString();
    }

    private TMessage AssertOne<TMessage>(ObservationKind kind, Func<TMessage, bool>? match, string? service)
        where TMessage : class
    {
        foreach (var observation in Observations)
        {
            if (observation.Kind == kind && (service is null || observation.Service == service)
                && observation.Message is TMessage message && (match is null || match(message)))
            {
                return message;
            }
        }

        string where = service is null ? string.Empty : $" by service '{service}'";
        throw Fail($"Expected a {typeof(TMessage).Name}{(match is null ? string.Empty : " matching the condition")} to be {kind}{where}, but none was.");
    }

    private CatgaTestAssertionException Fail(string expectation)
        => new(expectation + Environment.NewLine + Describe(Observations));
}
