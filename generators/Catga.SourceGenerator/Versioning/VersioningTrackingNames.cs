namespace Catga.SourceGenerator.Versioning
{
    /// <summary>Names of the versioning generator's incremental steps, so tests can prove they are cached.</summary>
    internal static class VersioningTrackingNames
    {
        public const string UpcastDeclarations = nameof(UpcastDeclarations);
        public const string VersionChains = nameof(VersionChains);
    }
}
