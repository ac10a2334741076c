namespace Catga.Distributed;

/// <summary>One check of a <see cref="CatgaHealthReport"/>.</summary>
/// <param name="Name">What was checked (<c>transport:nats</c>, <c>consumer:Shop.PlaceOrder</c>, <c>outbox</c>).</param>
/// <param name="IsHealthy">Whether it passed.</param>
/// <param name="Description">What was found.</param>
public sealed record CatgaHealthEntry(string Name, bool IsHealthy, string Description);
