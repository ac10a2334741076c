using System.Collections.Concurrent;
using Catga.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Catga.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Handler_exception_and_missing_handler_are_logged_under_the_Catga_category()
    {
        var sink = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton(new Probe());
        services.AddScoped<ScopedDependency>();
        services.AddLogging(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Debug));
        services.AddCatga().AddGeneratedHandlers();
        await using var provider = services.BuildServiceProvider();
        var mediator = provider.GetRequiredService<ICatgaMediator>();

        await mediator.SendAsync(new Add(1, 1, Mode.ThrowSync));
        await mediator.SendAsync(new PlainQuery(1));

        var thrown = Assert.Single(sink.Entries, e => e.EventId == 1);
        Assert.Equal("Catga", thrown.Category);
        Assert.Equal(LogLevel.Warning, thrown.Level);
        Assert.Contains("Catga.Tests.Fixtures.Add", thrown.Message);
        Assert.IsType<InvalidOperationException>(thrown.Exception);
        Assert.Contains(sink.Entries, e => e.EventId == 3 && e.Message.Contains("PlainQuery"));
    }

    [Fact]
    public async Task Missing_handler_is_logged_as_an_error()
    {
        var sink = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(sink));
        services.AddCatga();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ICatgaMediator>().SendAsync(new Echo("x"));
        var entry = Assert.Single(sink.Entries, e => e.EventId == 2);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("Catga.Tests.Fixtures.Echo", entry.Message);
    }

    private sealed record Entry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception), exception));
        }
    }
}
