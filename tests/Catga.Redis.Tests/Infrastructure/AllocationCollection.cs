namespace Catga.Redis.Tests.Infrastructure;

/// <summary>Tests that measure process-wide allocation run in this collection: alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;
