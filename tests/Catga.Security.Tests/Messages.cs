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

/// <summary>A secret request: the request and its reply travel encrypted.</summary>
[CatgaQuery, CatgaMessageName("bank.balance"), CatgaProtected(MessageProtection.Encrypted)]
public partial record GetBalance(string Account) : IQuery<Balance>;

/// <summary>The result of <see cref="GetBalance"/>.</summary>
public sealed record Balance(string Account, decimal Amount);

/// <summary>An authentic request: the request and its reply travel signed.</summary>
[CatgaQuery, CatgaMessageName("bank.statement"), CatgaProtected(MessageProtection.Signed)]
public partial record GetStatement(string Account) : IQuery<string>;

/// <summary>An unprotected request: its reply stays plain even where message security is on.</summary>
[CatgaQuery, CatgaMessageName("bank.plain")]
public partial record GetPlain(string Id) : IQuery<int>;
