namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>Names of the wire-contract generator's incremental steps, so tests can prove they are cached.</summary>
    internal static class WireContractTrackingNames
    {
        public const string ContractFiles = nameof(ContractFiles);
        public const string MessageContracts = nameof(MessageContracts);
        public const string ContractCheck = nameof(ContractCheck);
    }
}
