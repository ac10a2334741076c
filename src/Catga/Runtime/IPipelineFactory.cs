namespace Catga.Runtime;

/// <summary>Turns a registration into the runtime pipeline that executes it.</summary>
internal interface IPipelineFactory
{
    object CreatePipeline(CatgaRuntime runtime);
}
