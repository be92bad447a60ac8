using StreamNlp.Models.Inference;

namespace StreamNlp.Worker.Inference;

/// <summary>Gives the model bundle a batch runs on. A batch takes it once and finishes on it.</summary>
public interface IModelBundleProvider
{
    ModelBundle Current { get; }
}
