using System.ComponentModel.DataAnnotations;
using Catga;

namespace Catga.Transport.Conformance.Distributed;

public sealed record Reservation(string Sku, int Reserved, string Handler);

[CatgaCommand, Distributed, Idempotent]
public sealed partial record Reserve([property: Required] string Sku, [property: Range(1, 1000)] int Quantity) : ICommand<Reservation>;

[CatgaQuery, Distributed]
public sealed partial record GetStock(string Sku) : IQuery<int>;

/// <summary>Fails with an exception while <see cref="DistributedRecorder.Failing"/> has its key, else succeeds.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Ship(string OrderId, int FailFirstAttempts = 0);

[CatgaEvent, Distributed]
public sealed partial record OrderPlaced(string OrderId, decimal Total);

/// <summary>Published by the <see cref="Ship"/> handler, through the outbox.</summary>
[CatgaEvent, Distributed]
public sealed partial record OrderShipped(string OrderId);

/// <summary>Takes a while; for shutdown tests.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record SlowWork(string Id, int Milliseconds);

/// <summary>Waits, honouring cancellation; for handler timeouts.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Sleep(string Id, int Milliseconds);

/// <summary>Declares its own retry policy: two attempts, 20 ms apart (the suite's default is three).</summary>
[CatgaCommand, Distributed, Idempotent]
[Catga.Distributed.CatgaRetry(2, Backoff = Catga.Distributed.RetryBackoff.Fixed, DelayMilliseconds = 20)]
public sealed partial record Audit(string Id);

/// <summary>Its handler publishes <see cref="Count"/> <see cref="OrderShipped"/> events concurrently, for the outbox session.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record FanOut(string Id, int Count);

/// <summary>Its handler starts a publish it does not await, which runs after the handler completed.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record LateSend(string Id);

/// <summary>Its handler waits for <see cref="DistributedRecorder.Gate"/>: a run as long as a test wants.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Hold(string Id);
