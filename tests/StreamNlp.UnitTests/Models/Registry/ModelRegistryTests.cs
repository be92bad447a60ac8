using StreamNlp.Core.Tasks;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;

namespace StreamNlp.UnitTests.Models.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private HeadManifest AddVersion(ModelRegistry registry, NlpTask task, string version, string content = "head-bytes", string encoderSha = "enc")
    {
        var dir = registry.VersionDirectory(task, version);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, HeadContract.FileName), content);
        return ModelRegistry.WriteManifest(dir, new HeadManifest
        {
            Task = task.ToName(),
            Version = version,
            Kind = "test",
            Labels = ["a", "b"],
            CreatedAt = DateTimeOffset.UnixEpoch,
            Encoder = new EncoderReference("enc-name", encoderSha),
            Files = new Dictionary<string, string>(),
            Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9 },
        }, [HeadContract.FileName]);
    }

    [Fact]
    public void WriteManifest_RecordsSha256OfEachFile()
    {
        var registry = new ModelRegistry(_root);

        var manifest = AddVersion(registry, NlpTask.Sentiment, "v1", "abc");

        // SHA-256("abc")
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", manifest.Files[HeadContract.FileName]);
        var read = ModelRegistry.ReadManifest(registry.VersionDirectory(NlpTask.Sentiment, "v1"));
        Assert.Equal(manifest.Files, read.Files);
        Assert.Equal(["a", "b"], read.Labels);
        Assert.Equal(0.9, read.Metrics["accuracy"]);
    }

    [Fact]
    public void Promote_SwitchesCurrent_AndRollbackGoesBack()
    {
        var registry = new ModelRegistry(_root);
        AddVersion(registry, NlpTask.Classification, "v1");
        AddVersion(registry, NlpTask.Classification, "v2");
        AddVersion(registry, NlpTask.Classification, "v10");

        registry.Promote(NlpTask.Classification, "v10");
        Assert.Equal("v10", registry.CurrentVersion(NlpTask.Classification));
        Assert.Equal(["v1", "v2", "v10"], registry.Versions(NlpTask.Classification));
        Assert.Equal("v11", registry.NextVersion(NlpTask.Classification));

        var back = registry.Rollback(NlpTask.Classification);
        Assert.Equal("v2", back.Version);
        Assert.Equal("v2", registry.CurrentVersion(NlpTask.Classification));
    }

    [Fact]
    public void Verify_ModifiedHead_IsRefusedWithClearError()
    {
        var registry = new ModelRegistry(_root);
        AddVersion(registry, NlpTask.Ner, "v1");
        File.AppendAllText(Path.Combine(registry.VersionDirectory(NlpTask.Ner, "v1"), HeadContract.FileName), "tampered");

        var error = Assert.Throws<ModelIntegrityException>(() => registry.Promote(NlpTask.Ner, "v1"));

        Assert.Contains("SHA-256", error.Message);
        Assert.Null(registry.CurrentVersion(NlpTask.Ner));
    }

    [Fact]
    public void Verify_OtherEncoder_IsRefused()
    {
        var registry = new ModelRegistry(_root);
        AddVersion(registry, NlpTask.Sentiment, "v1", encoderSha: "aaaa");

        var error = Assert.Throws<ModelIntegrityException>(() => registry.Verify(NlpTask.Sentiment, "v1", encoderSha256: "bbbb"));

        Assert.Contains("encoder", error.Message);
    }

    [Fact]
    public void Verify_MissingFile_IsRefused()
    {
        var registry = new ModelRegistry(_root);
        AddVersion(registry, NlpTask.Sentiment, "v1");
        File.Delete(Path.Combine(registry.VersionDirectory(NlpTask.Sentiment, "v1"), HeadContract.FileName));

        var error = Assert.Throws<ModelIntegrityException>(() => registry.Verify(NlpTask.Sentiment, "v1"));

        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void SeedFrom_FillsOnlyMissingTasks()
    {
        var defaults = new ModelRegistry(Path.Combine(_root, "defaults"));
        AddVersion(defaults, NlpTask.Sentiment, "v1", "default-sentiment");
        defaults.Promote(NlpTask.Sentiment, "v1");
        AddVersion(defaults, NlpTask.Ner, "v1", "default-ner");
        defaults.Promote(NlpTask.Ner, "v1");
        var target = new ModelRegistry(Path.Combine(_root, "target"));
        AddVersion(target, NlpTask.Ner, "v3", "own-ner");
        target.Promote(NlpTask.Ner, "v3");

        var seeded = target.SeedFrom(defaults);

        Assert.Equal([NlpTask.Sentiment], seeded);
        Assert.Equal("v1", target.CurrentVersion(NlpTask.Sentiment));
        Assert.Equal("v3", target.CurrentVersion(NlpTask.Ner));
        target.Verify(NlpTask.Sentiment, "v1");
    }

    [Fact]
    public void SeedFrom_CopiesEveryShippedVersionOfATask_AndKeepsTheShippedCurrent()
    {
        var defaults = new ModelRegistry(Path.Combine(_root, "defaults"));
        AddVersion(defaults, NlpTask.Classification, "v1", "published-encoder-head", encoderSha: "published");
        AddVersion(defaults, NlpTask.Classification, "v2", "adapted-encoder-head", encoderSha: "adapted");
        defaults.Promote(NlpTask.Classification, "v2");
        var target = new ModelRegistry(Path.Combine(_root, "target"));

        target.SeedFrom(defaults);

        Assert.Equal(["v1", "v2"], target.Versions(NlpTask.Classification).Order(StringComparer.Ordinal));
        Assert.Equal("v2", target.CurrentVersion(NlpTask.Classification));
        Assert.Equal("v3", target.NextVersion(NlpTask.Classification));

        // Switching back to the published encoder: v1 promotes only against the encoder it was trained on.
        Assert.Throws<ModelIntegrityException>(() => target.Promote(NlpTask.Classification, "v1", "adapted"));
        target.Promote(NlpTask.Classification, "v1", "published");
        Assert.Equal("v1", target.CurrentVersion(NlpTask.Classification));
    }
}
