namespace Catga.Redis.Streams;

/// <summary>The reply of XINFO STREAM.</summary>
/// <param name="Length">The number of entries.</param>
/// <param name="Groups">The number of consumer groups.</param>
/// <param name="LastGeneratedId">The id of the last entry added.</param>
/// <param name="EntriesAdded">All entries ever added, including deleted ones.</param>
/// <param name="FirstEntry">The first entry; null when the stream is empty.</param>
/// <param name="LastEntry">The last entry; null when the stream is empty.</param>
public sealed record StreamInfo(
    long Length, long Groups, string LastGeneratedId, long EntriesAdded, StreamEntry? FirstEntry, StreamEntry? LastEntry);
