namespace Catga.Redis.Protocol;

/// <summary>Command names encoded once as RESP bulk strings for the struct commands.</summary>
internal static class CommandNames
{
    public static readonly byte[] Get = RespWriter.EncodeName("GET");
    public static readonly byte[] Set = RespWriter.EncodeName("SET");
    public static readonly byte[] Incr = RespWriter.EncodeName("INCR");
    public static readonly byte[] IncrBy = RespWriter.EncodeName("INCRBY");
    public static readonly byte[] Ttl = RespWriter.EncodeName("TTL");
    public static readonly byte[] Exists = RespWriter.EncodeName("EXISTS");
    public static readonly byte[] Del = RespWriter.EncodeName("DEL");
    public static readonly byte[] Expire = RespWriter.EncodeName("EXPIRE");
    public static readonly byte[] PExpire = RespWriter.EncodeName("PEXPIRE");
    public static readonly byte[] HGet = RespWriter.EncodeName("HGET");
    public static readonly byte[] HSet = RespWriter.EncodeName("HSET");
    public static readonly byte[] HGetAll = RespWriter.EncodeName("HGETALL");
    public static readonly byte[] HIncrBy = RespWriter.EncodeName("HINCRBY");
    public static readonly byte[] ZAdd = RespWriter.EncodeName("ZADD");
    public static readonly byte[] RPop = RespWriter.EncodeName("RPOP");
    public static readonly byte[] XLen = RespWriter.EncodeName("XLEN");
    public static readonly byte[] Publish = RespWriter.EncodeName("PUBLISH");
}
