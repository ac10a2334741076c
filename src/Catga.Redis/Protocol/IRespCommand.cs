namespace Catga.Redis.Protocol;

/// <summary>
/// A command that writes itself as RESP. Implemented by structs so the multiplexer's generic send path encodes
/// the hot commands without boxing or building argument arrays.
/// </summary>
internal interface IRespCommand
{
    void Write(ref RespWriter writer);
}
