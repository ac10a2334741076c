namespace Catga.Serialization;

/// <summary>What kind of message a registered type is; decides how a transport routes it.</summary>
public enum MessageKind
{
    /// <summary>Not known (a type registered without a kind).</summary>
    Unknown,

    /// <summary>A command: one handler, competing consumers.</summary>
    Command,

    /// <summary>A query: one handler, request/reply.</summary>
    Query,

    /// <summary>An event: every subscribed service gets a copy.</summary>
    Event,

    /// <summary>A stream request: in process only.</summary>
    StreamRequest,
}
