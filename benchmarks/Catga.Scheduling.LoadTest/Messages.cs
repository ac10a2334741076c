namespace Catga.Scheduling.LoadTest;

/// <summary>The scheduled message: nothing consumes it here; the tool measures when the scheduler hands it on.</summary>
[CatgaEvent, Distributed]
public sealed partial record DueMessage(int N);
