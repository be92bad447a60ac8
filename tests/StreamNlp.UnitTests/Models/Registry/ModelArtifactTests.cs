using System.IO.Compression;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;

namespace StreamNlp.UnitTests.Models.Registry;

/// <summary>Packing a head version into one archive and importing it into another registry (models travel through Kafka).</summary>
public sealed class ModelArtifactTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"artifact-{Guid.NewGuid():N}");
    private readonly ModelRegistry _shipped = new(ConfiguredRegistry.ShippedModelsDirectory);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private ModelRegistry Registry(string name) => new(Path.Combine(_root, name));

    private string ShippedVersion(NlpTask task) => _shipped.CurrentVersion(task)!;

    [Fact]
    public void PackThenImport_GivesTheSameVerifiedFilesInAnotherRegistry()
    {
        var version = ShippedVersion(NlpTask.Ner);
        var archive = ModelArtifact.Pack(_shipped, NlpTask.Ner, version);
        var target = Registry("worker-b");

        var manifest = ModelArtifact.Import(target, NlpTask.Ner, version, archive);

        Assert.Equal(version, manifest.Version);
        Assert.Equal(_shipped.Verify(NlpTask.Ner, version).Files, target.Verify(NlpTask.Ner, version).Files);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(_shipped.VersionDirectory(NlpTask.Ner, version), HeadContract.FileName)),
            File.ReadAllBytes(Path.Combine(target.VersionDirectory(NlpTask.Ner, version), HeadContract.FileName)));
        Assert.Empty(Directory.EnumerateDirectories(target.TaskDirectory(NlpTask.Ner), ".incoming-*"));
        Assert.True(archive.Length < new DirectoryInfo(_shipped.VersionDirectory(NlpTask.Ner, version)).EnumerateFiles().Sum(f => f.Length));
    }

    [Fact]
    public void Pack_TheSameVersionTwice_GivesTheSameBytes()
    {
        var version = ShippedVersion(NlpTask.Classification);

        Assert.Equal(ModelArtifact.Pack(_shipped, NlpTask.Classification, version), ModelArtifact.Pack(_shipped, NlpTask.Classification, version));
    }

    [Fact]
    public void Import_AnAlreadyPresentIdenticalVersion_KeepsIt()
    {
        var version = ShippedVersion(NlpTask.Sentiment);
        var archive = ModelArtifact.Pack(_shipped, NlpTask.Sentiment, version);
        var target = Registry("again");
        ModelArtifact.Import(target, NlpTask.Sentiment, version, archive);

        var again = ModelArtifact.Import(target, NlpTask.Sentiment, version, archive);

        Assert.Equal(version, again.Version);
    }

    [Fact]
    public void Import_UnderAnotherVersionName_IsRefused()
    {
        var version = ShippedVersion(NlpTask.Sentiment);
        var archive = ModelArtifact.Pack(_shipped, NlpTask.Sentiment, version);
        var target = Registry("renamed");

        var ex = Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(target, NlpTask.Sentiment, "v99", archive));

        Assert.Contains("holds version", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target.VersionDirectory(NlpTask.Sentiment, "v99")));
    }

    [Fact]
    public void Import_AsAnotherTask_IsRefused()
    {
        var version = ShippedVersion(NlpTask.Sentiment);
        var archive = ModelArtifact.Pack(_shipped, NlpTask.Sentiment, version);

        Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(Registry("task"), NlpTask.Classification, version, archive));
    }

    [Fact]
    public void Import_ATamperedFile_IsRefusedByItsSha256AndNothingEntersTheRegistry()
    {
        var version = ShippedVersion(NlpTask.Classification);
        var archive = Rewrite(ModelArtifact.Pack(_shipped, NlpTask.Classification, version), HeadContract.FileName, bytes => bytes[^1] ^= 0xFF);
        var target = Registry("tampered");

        var ex = Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(target, NlpTask.Classification, version, archive));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target.VersionDirectory(NlpTask.Classification, version)));
        Assert.Empty(Directory.EnumerateDirectories(target.TaskDirectory(NlpTask.Classification)));
    }

    [Fact]
    public void Import_ATruncatedArchive_IsRefusedWithTheReason()
    {
        var version = ShippedVersion(NlpTask.Classification);
        var archive = ModelArtifact.Pack(_shipped, NlpTask.Classification, version);

        var ex = Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(Registry("truncated"), NlpTask.Classification, version, archive[..(archive.Length / 2)]));

        Assert.Contains("archive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_AnEntryWithAPath_IsRefused()
    {
        var version = ShippedVersion(NlpTask.Classification);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("../escape.txt").Open();
            entry.WriteByte(1);
        }

        var target = Registry("slip");
        var ex = Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(target, NlpTask.Classification, version, buffer.ToArray()));

        Assert.Contains("not a plain file name", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target.TaskDirectory(NlpTask.Classification), "escape.txt")));
    }

    private static byte[] Rewrite(byte[] archive, string name, Action<byte[]> change)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(read);
                }

                var bytes = read.ToArray();
                if (entry.FullName == name)
                {
                    change(bytes);
                }

                using var write = target.CreateEntry(entry.FullName).Open();
                write.Write(bytes);
            }
        }

        return output.ToArray();
    }
}
