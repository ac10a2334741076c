namespace Catga.Redis;

/// <summary>When SET writes the value.</summary>
public enum RedisSetCondition
{
    /// <summary>Always.</summary>
    Always,

    /// <summary>Only when the key does not exist (NX).</summary>
    NotExists,

    /// <summary>Only when the key already exists (XX).</summary>
    Exists,
}
