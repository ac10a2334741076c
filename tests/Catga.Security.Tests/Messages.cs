using Catga;
using Catga.Security;
using Catga.Serialization;

namespace Bank;

/// <summary>Secret: encrypted on the wire.</summary>
[CatgaEvent, CatgaMessageName("bank.transfer"), CatgaProtected(MessageProtection.Encrypted)]
public partial record TransferMade(string Account, decimal Amount) : IEvent;

/// <summary>The same shape as <see cref="TransferMade"/>, so only the bound wire name tells them apart.</summary>
[CatgaEvent, CatgaMessageName("bank.refund"), CatgaProtected(MessageProtection.Encrypted)]
public partial record RefundMade(string Account, decimal Amount) : IEvent;

/// <summary>Authentic but readable: signed on the wire.</summary>
[CatgaEvent, CatgaMessageName("bank.audit"), CatgaProtected(MessageProtection.Signed)]
public partial record AuditNoted(string Text) : IEvent;

/// <summary>Not protected by its type; protected by configuration in one test.</summary>
[CatgaEvent, CatgaMessageName("bank.note")]
public partial record NoteAdded(string Text) : IEvent;
