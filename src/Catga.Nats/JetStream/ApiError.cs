namespace Catga.Nats.JetStream;

/// <summary>The "error" object of a JetStream API response.</summary>
internal sealed class ApiError
{
    public int Code { get; set; }

    public int ErrCode { get; set; }

    public string? Description { get; set; }
}
