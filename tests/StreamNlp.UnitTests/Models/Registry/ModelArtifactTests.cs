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

    /// <summary>A registry holding the shipped classification head as current v1 and, unless null, a v2 whose head differs by <paramref name="mark"/>.</summary>
    private ModelRegistry WithLocalV2(string name, byte? mark)
    {
        var registry = Registry(name);
        CopyShipped(registry, "v1", null);
        registry.Promote(NlpTask.Classification, "v1");
        if (mark is { } b)
        {
            CopyShipped(registry, "v2", b);
        }

        return registry;
    }

    private void CopyShipped(ModelRegistry registry, string version, byte? mark)
    {
        var source = _shipped.VersionDirectory(NlpTask.Classification, ShippedVersion(NlpTask.Classification));
        var target = registry.VersionDirectory(NlpTask.Classification, version);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        if (mark is { } b)
        {
            File.AppendAllBytes(Path.Combine(target, HeadContract.FileName), [b]); // other content, same version name
        }

        var manifest = ModelRegistry.ReadManifest(target) with { Version = version };
        ModelRegistry.WriteManifest(target, manifest, manifest.Files.Keys);
    }

    private static string HeadHash(ModelRegistry registry, string version) =>
        registry.Verify(NlpTask.Classification, version).Files[HeadContract.FileName];

    [Fact]
    public void Import_ALocalUnpublishedVersionOfTheSameName_IsReplacedByThePublishedOne()
    {
        // The former leader trained its own v2 (rejected, or its lease was lost before publishing); the new leader published another v2.
        var publisher = WithLocalV2("leader", mark: 1);
        var former = WithLocalV2("former-leader", mark: 2);
        Assert.NotEqual(HeadHash(publisher, "v2"), HeadHash(former, "v2"));
        var archive = ModelArtifact.Pack(publisher, NlpTask.Classification, "v2");

        var manifest = ModelArtifact.Import(former, NlpTask.Classification, "v2", archive, null, servingVersion: "v1", out var replaced);

        Assert.True(replaced);
        Assert.Equal("v2", manifest.Version);
        Assert.Equal(HeadHash(publisher, "v2"), HeadHash(former, "v2"));
        Assert.Equal(publisher.Verify(NlpTask.Classification, "v2").Files, former.Verify(NlpTask.Classification, "v2").Files);
        Assert.Equal("v1", former.CurrentVersion(NlpTask.Classification)); // importing never promotes
        Assert.Equal(["v1", "v2"], former.Versions(NlpTask.Classification));
        Assert.Empty(Directory.EnumerateDirectories(former.TaskDirectory(NlpTask.Classification), ".*"));
        Assert.Equal("v3", former.NextVersion(NlpTask.Classification));
    }

    [Fact]
    public void Import_ALocalVersionThatNoLongerVerifies_IsReplaced()
    {
        var publisher = WithLocalV2("leader", mark: 1);
        var former = WithLocalV2("broken", mark: 2);
        File.AppendAllBytes(Path.Combine(former.VersionDirectory(NlpTask.Classification, "v2"), HeadContract.FileName), [9]);

        ModelArtifact.Import(former, NlpTask.Classification, "v2", ModelArtifact.Pack(publisher, NlpTask.Classification, "v2"), null, null, out var replaced);

        Assert.True(replaced);
        Assert.Equal(HeadHash(publisher, "v2"), HeadHash(former, "v2"));
    }

    [Fact]
    public void Import_TheSameVersionAgain_ReplacesNothing()
    {
        var publisher = WithLocalV2("leader", mark: 1);
        var archive = ModelArtifact.Pack(publisher, NlpTask.Classification, "v2");

        ModelArtifact.Import(publisher, NlpTask.Classification, "v2", archive, null, null, out var replaced);

        Assert.False(replaced);
    }

    [Fact]
    public void Import_ADifferentVersionThatIsCurrentHere_IsRefusedAndKept()
    {
        var publisher = WithLocalV2("leader", mark: 1);
        var other = WithLocalV2("current-here", mark: 2);
        other.Promote(NlpTask.Classification, "v2");
        var before = HeadHash(other, "v2");

        var ex = Assert.Throws<ModelIntegrityException>(() =>
            ModelArtifact.Import(other, NlpTask.Classification, "v2", ModelArtifact.Pack(publisher, NlpTask.Classification, "v2")));

        Assert.Contains("refusing to replace it", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, HeadHash(other, "v2"));
    }

    [Fact]
    public void Import_ADifferentVersionThatServesHere_IsRefusedAndKept()
    {
        var publisher = WithLocalV2("leader", mark: 1);
        var other = WithLocalV2("serving-here", mark: 2);
        var before = HeadHash(other, "v2");

        Assert.Throws<ModelIntegrityException>(() =>
            ModelArtifact.Import(other, NlpTask.Classification, "v2", ModelArtifact.Pack(publisher, NlpTask.Classification, "v2"), servingVersion: "v2"));

        Assert.Equal(before, HeadHash(other, "v2"));
    }

    [Fact]
    public void Import_ACorruptArchiveOverALocalVersion_IsRefusedAndTheLocalVersionStays()
    {
        var publisher = WithLocalV2("leader", mark: 1);
        var former = WithLocalV2("former-leader", mark: 2);
        var before = HeadHash(former, "v2");
        var tampered = Rewrite(ModelArtifact.Pack(publisher, NlpTask.Classification, "v2"), HeadContract.FileName, bytes => bytes[0] ^= 0xFF);

        var ex = Assert.Throws<ModelIntegrityException>(() => ModelArtifact.Import(former, NlpTask.Classification, "v2", tampered, null, null, out _));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, HeadHash(former, "v2"));
        Assert.Empty(Directory.EnumerateDirectories(former.TaskDirectory(NlpTask.Classification), ".*"));
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
