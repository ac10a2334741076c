namespace Catga.Inbox;

/// <summary>The answer of <see cref="IInboxStore.TryClaimAsync"/>.</summary>
public readonly struct InboxClaim
{
    private InboxClaim(InboxClaimStatus status, long token, ReadOnlyMemory<byte> result)
    {
        Status = status;
        Token = token;
        Result = result;
    }

    /// <summary>What happened.</summary>
    public InboxClaimStatus Status { get; }

    /// <summary>For <see cref="InboxClaimStatus.Claimed"/>: the token that proves the claim.</summary>
    public long Token { get; }

    /// <summary>For <see cref="InboxClaimStatus.Completed"/>: the stored result of the first run.</summary>
    public ReadOnlyMemory<byte> Result { get; }

    /// <summary>The caller holds the claim.</summary>
    /// <param name="token">The claim token.</param>
    /// <returns>The claim.</returns>
    public static InboxClaim Claimed(long token) => new(InboxClaimStatus.Claimed, token, default);

    /// <summary>The message was handled before.</summary>
    /// <param name="result">The stored result.</param>
    /// <returns>The claim.</returns>
    public static InboxClaim Completed(ReadOnlyMemory<byte> result) => new(InboxClaimStatus.Completed, 0, result);

    /// <summary>Another run holds an unexpired claim.</summary>
    public static InboxClaim Busy => new(InboxClaimStatus.Busy, 0, default);

    /// <inheritdoc/>
    public override string ToString() => Status == InboxClaimStatus.Claimed ? $"Claimed({Token})" : Status.ToString();
}
