using System.Security.Cryptography;
using System.Text;

namespace Catga.Redis;

/// <summary>
/// A Lua script run with EVALSHA. Its SHA1 is computed once; when the server answers NOSCRIPT (its script cache is
/// empty after a restart or SCRIPT FLUSH) the client loads the script and runs it again.
/// </summary>
public sealed class RedisScript
{
    /// <summary>Creates the script.</summary>
    /// <param name="source">The Lua source.</param>
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>The lowercase hex SHA1 of the source, as EVALSHA expects it.</summary>
    public string Sha1 { get; }
}
