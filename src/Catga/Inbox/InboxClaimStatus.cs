namespace Catga.Inbox;

/// <summary>The status of an <see cref="InboxClaim"/>.</summary>
public enum InboxClaimStatus
{
    /// <summary>The caller may run the handler.</summary>
    Claimed,

    /// <summary>Already handled; use the stored result.</summary>
    Completed,

    /// <summary>Being handled by another run; try again later.</summary>
    Busy,
}
