namespace Catga.Redis.Streams;

/// <summary>The reply of XAUTOCLAIM.</summary>
/// <param name="NextStartId">Where the next XAUTOCLAIM call should start; "0-0" once the whole pending list was scanned.</param>
/// <param name="Claimed">The entries now owned by the claiming consumer.</param>
/// <param name="DeletedIds">Pending ids whose entries no longer exist; the server removed them from the pending list.</param>
public sealed record StreamAutoClaimResult(string NextStartId, IReadOnlyList<StreamEntry> Claimed, IReadOnlyList<string> DeletedIds);
