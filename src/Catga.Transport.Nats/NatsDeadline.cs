using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Catga.Transport.Nats;

/// <summary>
/// Gives every call to the NATS client a deadline and turns its failures into transport exceptions. The client waits
/// for a reconnect without limit while it is disconnected (a publish, an ack, a request's publish); Catga's callers
/// must get a clear <see cref="TransportTimeoutException"/> instead of a hang, so each call here runs under a token
/// that fires at its deadline.
/// </summary>
internal static class NatsDeadline
{
    /// <summary>A token that fires after <paramref name="timeout"/> on <paramref name="time"/> or when
    /// <paramref name="cancellationToken"/> fires.</summary>
    /// <remarks>Each call gets a timer of its own. Sharing one token source among the calls started within an eighth of
    /// the timeout was tried (session 5) and removed: with it, the scheduler chaos test's Tick consumers slowed to a few
    /// messages a second per node, with nothing logged.</remarks>
    public static Deadline Start(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = new CancellationTokenSource(timeout, time);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new Deadline(source, registration);
    }

    /// <summary>
    /// Bounds a call that usually completes at once (a publish or an ack written into the client's buffer while the
    /// connection is open) without starting a timer for it: only a call still pending when it returns (the client
    /// waits for a reconnect, or its buffer is full) waits under <paramref name="timeout"/>, failing with a
    /// <see cref="TimeoutException"/> then (translate it with <see cref="Translate"/>). The pending write itself stays
    /// with the client, as it does when a deadline token cancels a write the client has already taken.
    /// </summary>
    /// <param name="call">The call, started with the caller's token.</param>
    /// <param name="timeout">The deadline for a call that did not complete at once.</param>
    /// <param name="time">The clock of the deadline.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static ValueTask Bound(ValueTask call, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        => call.IsCompleted ? call : WaitAsync(call, timeout, time, cancellationToken);

    private static async ValueTask WaitAsync(ValueTask call, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        => await call.AsTask().WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);

    /// <summary>Translates an exception thrown under a deadline; returns null when it is the caller's own cancellation
    /// (rethrow it as is).</summary>
    /// <param name="ex">What the client threw.</param>
    /// <param name="what">What was attempted, for the message (for example "Sending to 'Orders.Placed'").</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="connection">The connection, whose state the message reports.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static Exception? Translate(Exception ex, string what, TimeSpan timeout, INatsConnection connection, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        if (ex is TransportException)
        {
            return ex;
        }

        if (ex is OperationCanceledException or TimeoutException or NatsNoReplyException or NatsJSTimeoutException or NatsJSPublishNoResponseException or NatsJSApiNoResponseException)
        {
            return new TransportTimeoutException(
                $"{what} did not complete within {timeout.TotalMilliseconds:0} ms (NATS connection {Describe(connection.ConnectionState)}).", ex);
        }

        if (ex is NatsNoRespondersException)
        {
            return new TransportNoRespondersException($"{what} failed: nothing on the NATS server answers (no responders).", ex);
        }

        if (ex is NatsException)
        {
            return new TransportException($"{what} failed: {ex.Message}", ex);
        }

        return null;
    }

    /// <summary>The state in words, for messages.</summary>
    public static string Describe(NatsConnectionState state) => state switch
    {
        NatsConnectionState.Open => "open",
        NatsConnectionState.Connecting => "connecting",
        NatsConnectionState.Reconnecting => "lost, reconnecting",
        _ => "closed",
    };

    /// <summary>A deadline token; dispose it when the call is done.</summary>
    internal readonly struct Deadline : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationTokenRegistration _registration;

        /// <summary>A deadline of its own: disposed with the call.</summary>
        public Deadline(CancellationTokenSource source, CancellationTokenRegistration registration)
        {
            _source = source;
            _registration = registration;
            Token = source.Token;
        }

        /// <summary>Fires at the deadline or when the caller cancels.</summary>
        public CancellationToken Token { get; }

        /// <inheritdoc/>
        public void Dispose()
        {
            _registration.Dispose();
            _source.Dispose();
        }
    }
}
