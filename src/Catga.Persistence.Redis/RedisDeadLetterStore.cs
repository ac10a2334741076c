using System.Globalization;
using System.Text;
using Catga.DeadLetters;
using StackExchange.Redis;
using Catga.Transport;

namespace Catga.Persistence.Redis;

/// <summary>
/// An <see cref="IDeadLetterStore"/> in Redis. Each letter is a hash of its fields (the body as its raw bytes, the
/// headers in Catga's binary header format); a sorted set indexes the ids by failure time in Unix microseconds, so
/// letters list oldest first (ties by id). Adding, deleting and each purge chunk are Lua scripts that change the hash
/// and the index together.
/// </summary>
public sealed class RedisDeadLetterStore : IDeadLetterStore
{
    private const int PurgeChunk = 256;

    private static readonly RedisScript s_add = new("""
        redis.call('del', KEYS[2])
        redis.call('hset', KEYS[2], unpack(ARGV, 3))
        redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
        return 1
        """);

    private static readonly RedisScript s_delete = new("""
        local removed = 0
        for i = 1, #ARGV do
          removed = removed + redis.call('zrem', KEYS[1], ARGV[i])
          redis.call('del', KEYS[i + 1])
        end
        return removed
        """);

    private readonly IDatabase _database;
    private readonly RedisKeys _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's Redis connection; not disposed here.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisDeadLetterStore(IConnectionMultiplexer connection, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.GetDatabase();
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    /// <inheritdoc/>
    public async ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var arguments = new List<RedisValue>(24)
        {
            letter.Id,
            (letter.FailedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond,
            "d", letter.Destination,
            "g", letter.Group,
            "r", letter.Reason,
            "a", letter.Attempts,
            "ft", letter.FailedAt.UtcTicks,
            "fo", (long)letter.FailedAt.Offset.TotalMinutes,
            "h", PersistenceCodec.EncodeHeaders(letter.Message.Headers),
            "b", letter.Message.Body,
        };
        cancellationToken.ThrowIfCancellationRequested();
        AddOptional(arguments, "em", letter.ErrorMessage);
        AddOptional(arguments, "et", letter.ExceptionType);
        AddOptional(arguments, "ed", letter.ExceptionDetails);
        await s_add.EvaluateAsync(_database, [_keys.DeadLetterIndex, _keys.DeadLetter(letter.Id)], [.. arguments])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (take == 0)
        {
            return [];
        }

        string[] ids = await RangeAsync(skip, (long)skip + take - 1, cancellationToken).ConfigureAwait(false);
        var reads = new Task<DeadLetter?>[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            reads[i] = GetAsync(ids[i], cancellationToken).AsTask();
        }

        var letters = new List<DeadLetter>(ids.Length);
        foreach (DeadLetter? letter in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            // A letter deleted between reading the index and reading the letter is left out.
            if (letter is not null)
            {
                letters.Add(letter);
            }
        }

        return letters;
    }

    /// <inheritdoc/>
    public async ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        HashEntry[] entries = await _database.HashGetAllAsync(_keys.DeadLetter(id)).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, byte[]>(entries.Length, StringComparer.Ordinal);
        foreach (HashEntry entry in entries)
        {
            fields[(string)entry.Name!] = (byte[])entry.Value! ?? [];
        }

        return Decode(id, fields);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return await DeleteAsync([id], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await _database.SortedSetLengthAsync(_keys.DeadLetterIndex).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes every dead letter, in chunks of 256 (each chunk atomic), until the index is empty.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted.</returns>
    public async ValueTask<long> PurgeAsync(CancellationToken cancellationToken)
    {
        long deleted = 0;
        while (true)
        {
            string[] ids = await RangeAsync(0, PurgeChunk - 1, cancellationToken).ConfigureAwait(false);
            if (ids.Length == 0)
            {
                return deleted;
            }

            deleted += await DeleteAsync(ids, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<long> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[ids.Count + 1];
        var arguments = new RedisValue[ids.Count];
        keys[0] = _keys.DeadLetterIndex;
        for (int i = 0; i < ids.Count; i++)
        {
            keys[i + 1] = _keys.DeadLetter(ids[i]);
            arguments[i] = ids[i];
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (long)await s_delete.EvaluateAsync(_database, keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string[]> RangeAsync(long start, long stop, CancellationToken cancellationToken)
    {
        RedisValue[] reply = await _database.SortedSetRangeByRankAsync(_keys.DeadLetterIndex, start, stop).WaitAsync(cancellationToken).ConfigureAwait(false);
        var ids = new string[reply.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (string)reply[i]!;
        }

        return ids;
    }

    private static void AddOptional(List<RedisValue> arguments, string field, string? value)
    {
        if (value is not null)
        {
            arguments.Add(field);
            arguments.Add(value);
        }
    }

    private static DeadLetter Decode(string id, Dictionary<string, byte[]> fields)
    {
        try
        {
            long ticks = long.Parse(Text(fields, "ft")!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var offset = TimeSpan.FromMinutes(long.Parse(Text(fields, "fo")!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            var message = new TransportMessage(PersistenceCodec.DecodeHeaders(Bytes(fields, "h")), Bytes(fields, "b"));
            return new DeadLetter(
                id,
                Text(fields, "d")!,
                Text(fields, "g")!,
                message,
                Text(fields, "r")!,
                int.Parse(Text(fields, "a")!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset))
            {
                ErrorMessage = Text(fields, "em"),
                ExceptionType = Text(fields, "et"),
                ExceptionDetails = Text(fields, "ed"),
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or EndOfStreamException or InvalidDataException or KeyNotFoundException)
        {
            throw new InvalidDataException($"The stored dead letter '{id}' cannot be read: {ex.Message}", ex);
        }
    }

    private static string? Text(Dictionary<string, byte[]> fields, string field) =>
        fields.TryGetValue(field, out byte[]? value) ? Encoding.UTF8.GetString(value) : null;

    private static byte[] Bytes(Dictionary<string, byte[]> fields, string field) =>
        fields.TryGetValue(field, out byte[]? value) ? value : throw new KeyNotFoundException($"the field '{field}' is missing");
}
