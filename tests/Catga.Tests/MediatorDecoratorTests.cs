using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class MediatorDecoratorTests
{
    [Fact]
    public async Task A_custom_mediator_receives_generic_sends_and_streams_through_its_core_methods()
    {
        await using var host = new CatgaHost();
        var counting = new CountingMediator(host.Mediator);
        ICatgaMediator mediator = counting;

        var sum = await mediator.SendAsync(new Add(2, 2));
        await foreach (var _ in mediator.CreateStream(new Count(2)))
        {
        }

        Assert.Equal(4, sum.Value);
        Assert.Equal(1, counting.Sends);
        Assert.Equal(1, counting.Streams);
    }

    /// <summary>A decorator, as a user would write one: it counts calls and forwards them.</summary>
    private sealed class CountingMediator(ICatgaMediator inner) : ICatgaMediator
    {
        public int Sends { get; private set; }

        public int Streams { get; private set; }

        public ValueTask<CatgaResult> SendAsync(ICommand command, CancellationToken cancellationToken = default) => inner.SendAsync(command, cancellationToken);

        public ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default) => inner.PublishAsync(@event, cancellationToken);

        public ValueTask<CatgaResult<TResponse>> SendCoreAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
        {
            Sends++;
            return inner.SendAsync(request, cancellationToken);
        }

        public IAsyncEnumerable<CatgaResult<TItem>> CreateStreamCore<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken)
        {
            Streams++;
            return inner.CreateStream(request, cancellationToken);
        }
    }
}
