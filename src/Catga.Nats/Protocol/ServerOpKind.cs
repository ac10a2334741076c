namespace Catga.Nats.Protocol;

/// <summary>The operations a server sends.</summary>
internal enum ServerOpKind
{
    Msg,
    HMsg,
    Ping,
    Pong,
    Ok,
    Err,
    Info,
}
