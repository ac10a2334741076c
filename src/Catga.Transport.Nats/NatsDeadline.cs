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
    /// <summary>A token source that fires after <paramref name="timeout"/> on <paramref name="time"/> or when
    /// <paramref name="cancellationToken"/> fires.</summary>
    public static Deadline Start(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = new CancellationTokenSource(timeout, time);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new Deadline(source, registration);
    }

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
    internal readonly struct Deadline(CancellationTokenSource source, CancellationTokenRegistration registration) : IDisposable
    {
        /// <summary>Fires at the deadline or when the caller cancels.</summary>
        public CancellationToken Token => source.Token;

        /// <inheritdoc/>
        public void Dispose()
        {
            registration.Dispose();
            source.Dispose();
        }
    }
}
