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
    /// <summary>The shared deadlines of the system clock, by timeout (see <see cref="SharedDeadline"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, SharedDeadline> s_shared = new();

    /// <summary>How many distinct timeouts get a shared deadline; calls with other timeouts get a timer each.</summary>
    private const int MaxSharedTimeouts = 32;

    /// <summary>A token that fires after <paramref name="timeout"/> on <paramref name="time"/> or when
    /// <paramref name="cancellationToken"/> fires. On the system clock, the timer is shared with the calls started in
    /// the same eighth of <paramref name="timeout"/> (<see cref="SharedDeadline"/>), so the deadline fires up to an eighth
    /// late and costs no timer per call; on any other clock (a test's fake time) each call gets its exact deadline.</summary>
    public static Deadline Start(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(time, TimeProvider.System) && timeout > TimeSpan.Zero && Shared(timeout) is { } shared)
        {
            var token = shared.Token;
            return cancellationToken.CanBeCanceled
                ? new Deadline(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, token), default)
                : new Deadline(token);
        }

        var source = new CancellationTokenSource(timeout, time);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new Deadline(source, registration);
    }

    private static SharedDeadline? Shared(TimeSpan timeout)
    {
        if (s_shared.TryGetValue(timeout.Ticks, out var shared))
        {
            return shared;
        }

        return s_shared.Count < MaxSharedTimeouts ? s_shared.GetOrAdd(timeout.Ticks, static ticks => new SharedDeadline(TimeSpan.FromTicks(ticks))) : null;
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
        private readonly CancellationTokenSource? _source;
        private readonly CancellationTokenRegistration _registration;

        /// <summary>A deadline of its own (or linked to a shared one): disposed with the call.</summary>
        public Deadline(CancellationTokenSource source, CancellationTokenRegistration registration)
        {
            _source = source;
            _registration = registration;
            Token = source.Token;
        }

        /// <summary>A shared deadline: nothing to dispose.</summary>
        public Deadline(CancellationToken shared) => Token = shared;

        /// <summary>Fires at the deadline or when the caller cancels.</summary>
        public CancellationToken Token { get; }

        /// <inheritdoc/>
        public void Dispose()
        {
            _registration.Dispose();
            _source?.Dispose();
        }
    }

    /// <summary>
    /// One timer for every call with the same timeout started within an eighth of it: the token handed out fires
    /// between <c>timeout</c> and <c>timeout * 9/8</c> after each call's start. A new token source is made once per
    /// eighth; the old ones fire on time and are dropped (their callers unregister when their calls end).
    /// </summary>
    private sealed class SharedDeadline(TimeSpan timeout)
    {
        private readonly long _slice = Math.Max(1, (long)(timeout.TotalSeconds / 8 * System.Diagnostics.Stopwatch.Frequency));
        private readonly object _gate = new();
        private CancellationTokenSource? _current;

        /// <summary>The timestamp until which <see cref="_current"/> is handed out.</summary>
        private long _handOutUntil;

        public CancellationToken Token
        {
            get
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    if (_current is null || now >= _handOutUntil)
                    {
                        // Fires an eighth after the full timeout, so the last call given it still gets the whole timeout.
                        _current = new CancellationTokenSource(timeout + TimeSpan.FromTicks(timeout.Ticks / 8));
                        _handOutUntil = now + _slice;
                    }

                    return _current.Token;
                }
            }
        }
    }
}
