namespace Catga.Redis.Protocol;

/// <summary>A command with a pre-encoded name and one key: GET, INCR, TTL, XLEN, RPOP, HGETALL, ...</summary>
internal readonly struct KeyCommand(byte[] name, string key) : IRespCommand
{
    public void Write(ref RespWriter writer)
    {
        writer.WriteCommand(1, name);
        writer.WriteBulk(key);
    }
}

/// <summary>A command with a pre-encoded name, a key and one value: SET, INCRBY, HGET, PUBLISH, ...</summary>
internal readonly struct KeyValueCommand(byte[] name, string key, RedisValue value) : IRespCommand
{
    public void Write(ref RespWriter writer)
    {
        writer.WriteCommand(2, name);
        writer.WriteBulk(key);
        writer.WriteBulk(value);
    }
}

/// <summary>A command with a pre-encoded name, a key and two values: HSET key field value, HINCRBY, ZADD key score member.</summary>
internal readonly struct KeyTwoValuesCommand(byte[] name, string key, RedisValue first, RedisValue second) : IRespCommand
{
    public void Write(ref RespWriter writer)
    {
        writer.WriteCommand(3, name);
        writer.WriteBulk(key);
        writer.WriteBulk(first);
        writer.WriteBulk(second);
    }
}

/// <summary>Any command: a name and an argument list. Used by the less frequent commands and by ExecuteAsync.</summary>
internal readonly struct ArgumentsCommand(string name, IReadOnlyList<RedisValue> arguments) : IRespCommand
{
    public string Name => name;

    public void Write(ref RespWriter writer)
    {
        writer.WriteCommand(arguments.Count, name);
        for (int i = 0; i < arguments.Count; i++)
        {
            writer.WriteBulk(arguments[i]);
        }
    }
}
