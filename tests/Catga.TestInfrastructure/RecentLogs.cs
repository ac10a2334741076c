using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Catga.TestInfrastructure;

/// <summary>
/// A logger provider that keeps the last <see cref="Capacity"/> entries (information and above) in memory, stamped
/// with the time since the provider was created, so a long test that fails can print what the services said before
/// it failed instead of only "not true within N s".
/// </summary>
public sealed class RecentLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _service;

    /// <summary>Creates a provider whose lines start with <paramref name="service"/>.</summary>
    /// <param name="service">The name of the service that logs through it.</param>
    public RecentLogs(string service) => _service = service;

    /// <summary>How many entries are kept (the oldest are dropped).</summary>
    public int Capacity { get; init; } = 400;

    /// <summary>The kept entries, oldest first.</summary>
    public IReadOnlyList<string> Entries => [.. _entries];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _entries.Enqueue(line);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(RecentLogs owner, string category) : ILogger
    {
        private readonly string _category = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string error = exception is null ? string.Empty : $" [{exception.GetType().Name}: {exception.Message}]";
            owner.Add($"{owner._clock.Elapsed.TotalSeconds,8:0.000} {owner._service} {logLevel} {_category}: {formatter(state, exception)}{error}");
        }
    }
}
