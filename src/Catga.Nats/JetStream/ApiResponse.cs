namespace Catga.Nats.JetStream;

/// <summary>
/// The fields every JetStream API response may carry. Each response is first read as this to find an error, then
/// as its real type, because a successful and a failed response share a subject but not a shape.
/// </summary>
internal sealed class ApiResponse
{
    public ApiError? Error { get; set; }

    public bool Success { get; set; }

    public long Purged { get; set; }
}
