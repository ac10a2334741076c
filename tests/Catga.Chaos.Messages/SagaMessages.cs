namespace Catga.Chaos;

/// <summary>Starts order saga N (the saga lives in the worker process).</summary>
[CatgaEvent, Distributed]
public sealed partial record ChaosOrderPlaced(int N);

[CatgaEvent, Distributed]
public sealed partial record ChaosPaymentCaptured(int N);

/// <summary>The third message: the order is packed; the saga waits for the shipping window (a timeout).</summary>
[CatgaEvent, Distributed]
public sealed partial record ChaosOrderPacked(int N);

/// <summary>The saga's timeout, fired by the worker's durable scheduler. Handling it twice is harmless: the saga
/// recognises a handled or stale timeout itself.</summary>
[CatgaCommand, Distributed, NaturallyIdempotent]
public sealed partial record ChaosShipWindowElapsed(int N);

/// <summary>The effect of one transition of saga N, published by the saga (its message id is fixed when the
/// transition is stored, so a transition stored twice would show as two ids for one (N, Step)).</summary>
[CatgaEvent, Distributed]
public sealed partial record ChaosOrderStep(int N, string Step);

/// <summary>Names of the order saga shared by the worker and the tests.</summary>
public static class ChaosSagaNames
{
    /// <summary>The saga's name in the store.</summary>
    public const string Saga = "ChaosOrderSaga";

    /// <summary>The Redis key prefix of the saga store of one run.</summary>
    public static string Keys(string prefix) => prefix + ":sagas:";

    /// <summary>The instance key of saga N.</summary>
    public static string Key(int n) => "order-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The steps each saga publishes, in order, and the path of states it takes.</summary>
    public static readonly string[] Steps = ["placed", "paid", "packed", "shipped"];

    public const string Path = "Initial>AwaitingPayment AwaitingPayment>Packing Packing>AwaitingShipWindow AwaitingShipWindow>Completed";
}
