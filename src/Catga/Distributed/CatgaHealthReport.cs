namespace Catga.Distributed;

/// <summary>The result of <see cref="CatgaHealthCheck.CheckAsync"/>.</summary>
public sealed class CatgaHealthReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="entries">The checks.</param>
    public CatgaHealthReport(IReadOnlyList<CatgaHealthEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
    }

    /// <summary>Whether every check passed.</summary>
    public bool IsHealthy => Entries.All(e => e.IsHealthy);

    /// <summary>One entry per check.</summary>
    public IReadOnlyList<CatgaHealthEntry> Entries { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Join("; ", Entries.Select(e => $"{e.Name}: {(e.IsHealthy ? "ok" : "FAIL")} ({e.Description})"));
}
