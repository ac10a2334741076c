// Telemetry and dashboard counters read the process-wide Catga meter and activity source; tests running side by side
// would see each other's measurements, so this assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
