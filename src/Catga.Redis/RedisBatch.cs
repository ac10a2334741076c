using Catga.Redis.Protocol;

namespace Catga.Redis;

/// <summary>
/// Commands sent together: written back to back in one go on the shared connection and answered in order.
/// As a transaction (<see cref="RedisClient.CreateTransaction"/>) they are wrapped in MULTI/EXEC and run atomically.
/// Not thread-safe; build it on one thread, then execute it once.
/// </summary>
public sealed class RedisBatch
{
    private readonly RedisClient _client;
    private readonly bool _transactional;
    private readonly List<ArgumentsCommand> _commands = [];
    private bool _executed;

    internal RedisBatch(RedisClient client, bool transactional)
    {
        _client = client;
        _transactional = transactional;
    }

    /// <summary>The number of commands added.</summary>
    public int Count => _commands.Count;

    /// <summary>Adds a command.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The index of the command's reply in the result of <see cref="ExecuteAsync"/>.</returns>
    public int Add(string command, params RedisValue[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (_executed)
        {
            throw new InvalidOperationException("The batch was already executed.");
        }

        _commands.Add(new ArgumentsCommand(command, arguments));
        return _commands.Count - 1;
    }

    /// <summary>
    /// Sends the commands and returns one reply per command, in order. Error replies are returned in place, not
    /// thrown, so one failing command does not hide the others' results.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the replies.</param>
    /// <returns>The replies.</returns>
    /// <exception cref="RedisServerException">A transaction was refused as a whole (EXECABORT), or aborted.</exception>
    public async Task<RedisReply[]> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        if (_executed)
        {
            throw new InvalidOperationException("The batch was already executed.");
        }

        _executed = true;
        if (_commands.Count == 0)
        {
            return [];
        }

        if (!_transactional)
        {
            return await _client.SendBatchAsync(_commands, cancellationToken).ConfigureAwait(false);
        }

        var wrapped = new List<ArgumentsCommand>(_commands.Count + 2) { new("MULTI", []) };
        wrapped.AddRange(_commands);
        wrapped.Add(new ArgumentsCommand("EXEC", []));
        RedisReply[] replies = await _client.SendBatchAsync(wrapped, cancellationToken).ConfigureAwait(false);
        replies[0].ThrowIfError();
        RedisReply exec = replies[^1];
        if (exec.IsError)
        {
            // EXECABORT: a command was rejected while queueing; name the first rejection.
            for (int i = 1; i < replies.Length - 1; i++)
            {
                if (replies[i].IsError)
                {
                    throw new RedisServerException($"{exec} First rejected command #{i - 1} ({_commands[i - 1].Name}): {replies[i]}");
                }
            }

            exec.ThrowIfError();
        }

        if (exec.IsNull)
        {
            throw new RedisServerException("EXECABORT The transaction was aborted by the server (a watched key changed).");
        }

        return exec.Elements.ToArray();
    }
}
