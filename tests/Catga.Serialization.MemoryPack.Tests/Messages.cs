using Catga;
using Catga.Serialization;
using MemoryPack;

namespace Warehouse;

/// <summary>A message that is both a Catga event and MemoryPackable.</summary>
[CatgaEvent, CatgaMessageName("warehouse.packed"), MemoryPackable]
public partial record OrderPacked(string OrderId, int Quantity, List<string> Tags) : IEvent;

/// <summary>Another one, to send as the wrong type.</summary>
[CatgaEvent, CatgaMessageName("warehouse.shipped"), MemoryPackable]
public partial record OrderShipped(string OrderId) : IEvent;
