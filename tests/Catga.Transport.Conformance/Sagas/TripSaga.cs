using Catga.Sagas;
using Catga.Transport.Conformance.Distributed;

namespace Catga.Transport.Conformance.Sagas;

/// <summary>Starts a trip saga.</summary>
[CatgaEvent, Distributed]
public sealed partial record TripBooked(string TripId, int Seats);

/// <summary>One seat of the trip is confirmed; the saga waits for as many as it booked.</summary>
[CatgaEvent, Distributed]
public sealed partial record SeatConfirmed(string TripId, string Seat);

[CatgaEvent, Distributed]
public sealed partial record TripPaid(string TripId);

[CatgaEvent, Distributed]
public sealed partial record TripCancelled(string TripId);

/// <summary>The saga's timeout: payment is overdue. Handling it twice is harmless: the saga recognises a handled or
/// stale timeout itself.</summary>
[CatgaCommand, Distributed, NaturallyIdempotent]
public sealed partial record TripPaymentDue(string TripId);

/// <summary>Sent when the trip starts; fails while <see cref="DistributedRecorder.Failing"/> has <c>hold:TripId</c>.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record HoldSeats(string TripId, int Seats);

[CatgaCommand, Distributed, Idempotent]
public sealed partial record IssueTickets(string TripId, int Seats);

/// <summary>The compensation of <see cref="HoldSeats"/>.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record ReleaseSeats(string TripId, int Seats);

public sealed record TripState(int Seats = 0, int Confirmed = 0);

/// <summary>
/// The saga of the distributed saga suite: book (hold seats, compensated by releasing them, with a payment timeout),
/// collect one confirmation per seat (each a stored transition that stays in <see cref="Holding"/> until the last),
/// then pay (issue tickets, cancel the timeout) or cancel (release the seats).
/// </summary>
[Saga]
public sealed partial class TripSaga : Saga<TripState>
{
    public const string Holding = nameof(Holding);
    public const string AwaitingPayment = nameof(AwaitingPayment);

    [Correlate] private static string Key(TripBooked m) => m.TripId;

    [Correlate] private static string Key(SeatConfirmed m) => m.TripId;

    [Correlate] private static string Key(TripPaid m) => m.TripId;

    [Correlate] private static string Key(TripCancelled m) => m.TripId;

    [Correlate] private static string Key(TripPaymentDue m) => m.TripId;

    [Starts]
    public SagaStep Start(TripBooked m)
        => Transition(State with { Seats = m.Seats }, to: Holding)
            .Send(new HoldSeats(m.TripId, m.Seats))
            .CompensateWith(new ReleaseSeats(m.TripId, m.Seats))
            .Schedule(new TripPaymentDue(m.TripId), TimeSpan.FromHours(1));

    [In(Holding)]
    public SagaStep Handle(SeatConfirmed m)
        => State.Confirmed + 1 < State.Seats
            ? Stay(State with { Confirmed = State.Confirmed + 1 })
            : Transition(State with { Confirmed = State.Confirmed + 1 }, to: AwaitingPayment);

    [In(AwaitingPayment)]
    public SagaStep Handle(TripPaid m) => Complete().Cancel<TripPaymentDue>().Send(new IssueTickets(m.TripId, State.Seats));

    [In(Holding, AwaitingPayment)]
    public SagaStep Handle(TripCancelled m) => Compensate("cancelled by the customer");

    [In(Holding, AwaitingPayment)]
    public SagaStep Handle(TripPaymentDue m) => Compensate("payment overdue");
}

public sealed class HoldSeatsHandler(DistributedRecorder recorder) : ICommandHandler<HoldSeats>
{
    public ValueTask<CatgaResult> HandleAsync(HoldSeats command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate("hold:" + command.TripId, 1, static (_, n) => n + 1);
        if (recorder.Failing.TryRemove("hold:" + command.TripId, out _))
        {
            throw new InvalidOperationException($"seat service down for {command.TripId}");
        }

        recorder.Record("hold", command.TripId, command);
        return new(CatgaResult.Success());
    }
}

public sealed class IssueTicketsHandler(DistributedRecorder recorder) : ICommandHandler<IssueTickets>
{
    public ValueTask<CatgaResult> HandleAsync(IssueTickets command, CancellationToken cancellationToken)
    {
        recorder.Record("issue", command.TripId, command);
        return new(CatgaResult.Success());
    }
}

public sealed class ReleaseSeatsHandler(DistributedRecorder recorder) : ICommandHandler<ReleaseSeats>
{
    public ValueTask<CatgaResult> HandleAsync(ReleaseSeats command, CancellationToken cancellationToken)
    {
        recorder.Record("release", command.TripId, command);
        return new(CatgaResult.Success());
    }
}
