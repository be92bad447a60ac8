using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Inference;

namespace StreamNlp.IntegrationTests.Models;

/// <summary>Every model file is loaded once at start; what cannot be loaded ends start-up with a clear reason.</summary>
public sealed class ModelStartupTests : IDisposable
{
    private readonly string _registry = Path.Combine(Path.GetTempPath(), $"streamnlp-corrupt-{Guid.NewGuid():N}");

    [Fact]
    public void Current_HeadNotOnnxButHashMatchesManifest_RefusedWithReason()
    {
        CopyShippedModels();
        var version = File.ReadAllText(Path.Combine(_registry, "classification", "current")).Trim();
        var folder = Path.Combine(_registry, "classification", version);
        var garbage = "this is not an ONNX graph"u8.ToArray();
        File.WriteAllBytes(Path.Combine(folder, "head.onnx"), garbage);
        var manifestPath = Path.Combine(folder, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["files"]!["head.onnx"] = Convert.ToHexStringLower(SHA256.HashData(garbage));
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        using var provider = new ModelBundleProvider(Options.Create(new ModelOptions { Directory = _registry }), NullLogger<ModelBundleProvider>.Instance);

        var error = Assert.Throws<ModelIntegrityException>(() => provider.Current);

        Assert.Contains("ONNX Runtime could not load", error.Message, StringComparison.Ordinal);
        Assert.Contains(_registry, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_registry))
        {
            Directory.Delete(_registry, recursive: true);
        }
    }

    private void CopyShippedModels()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "models");
        foreach (var file in Directory.EnumerateFiles(shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_registry, Path.GetRelativePath(shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
